namespace Cairn.Storage;

/// <summary>
/// Parses MLflow-style backend store URIs. <c>sqlite:///rel/path.db</c> is relative to the working directory,
/// <c>sqlite:////abs/path.db</c> is absolute.
/// </summary>
public sealed record BackendStoreUri(string Provider, string Location)
{
    public static BackendStoreUri Parse(string uri, string baseDirectory)
    {
        const string sqlite = "sqlite:///";
        if (uri.StartsWith(sqlite, StringComparison.OrdinalIgnoreCase))
        {
            var path = uri[sqlite.Length..];
            if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Invalid backend store URI '{uri}': expected sqlite:///relative/path.db or sqlite:////absolute/path.db.");
            }

            return new BackendStoreUri("sqlite", Path.GetFullPath(path, baseDirectory));
        }

        throw new ArgumentException(
            $"Unsupported backend store URI '{uri}'. Supported: sqlite:///relative/path.db, sqlite:////absolute/path.db.");
    }
}
