using Npgsql;

namespace Cairn.Storage;

/// <summary>
/// Parses MLflow-style backend store URIs. <c>sqlite:///rel/path.db</c> is relative to the working directory,
/// <c>sqlite:////abs/path.db</c> is absolute. <c>postgresql://user:password@host:port/database?sslmode=require</c>
/// (also written <c>postgresql+psycopg2://…</c> by MLflow users) becomes an Npgsql connection string.
/// </summary>
public sealed record BackendStoreUri(string Provider, string Location)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private const string Supported =
        "Supported: sqlite:///relative/path.db, sqlite:////absolute/path.db, postgresql://user:password@host:port/database.";

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

            return new BackendStoreUri(Sqlite, Path.GetFullPath(path, baseDirectory));
        }

        if (PostgresConnectionUri.IsPostgres(uri))
        {
            return new BackendStoreUri(Postgres, PostgresConnectionUri.ToConnectionString(uri));
        }

        throw new ArgumentException($"Unsupported backend store URI '{Redact(uri)}'. {Supported}");
    }

    /// <summary>The URI with any password replaced, fit for logs and error messages.</summary>
    public static string Redact(string uri)
    {
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        var at = uri.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return uri;
        }

        var colon = uri.IndexOf(':', scheme + 3);
        return colon < 0 || colon > at ? uri : uri[..(colon + 1)] + "***" + uri[at..];
    }

    /// <summary>What the store's connection string reveals in messages: host, port and database, never the password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
