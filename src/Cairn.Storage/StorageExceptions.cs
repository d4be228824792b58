namespace Cairn.Storage;

/// <summary>The database's schema is of a version this Cairn cannot use as it is.</summary>
public sealed class SchemaVersionException(string message) : Exception(message);

/// <summary>The backend store cannot be reached or opened (wrong host, credentials, database); the message says which.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
