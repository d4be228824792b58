namespace Cairn.Models.Package;

/// <summary>A model directory that cannot be read, written or loaded, with the reason.</summary>
public sealed class ModelPackageException(string message, Exception? inner = null) : Exception(message, inner);
