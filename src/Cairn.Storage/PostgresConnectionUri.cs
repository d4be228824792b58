using Npgsql;

namespace Cairn.Storage;

/// <summary>
/// libpq-style URIs (<c>postgresql://user:password@host:port/database?option=value</c>) as MLflow users write them,
/// translated into an Npgsql connection string. Percent-encoded parts are decoded; unknown options are refused.
/// </summary>
internal static class PostgresConnectionUri
{
    private static readonly string[] Schemes = ["postgresql://", "postgres://", "postgresql+psycopg2://", "postgresql+psycopg://", "postgresql+pg8000://"];

    public static bool IsPostgres(string uri) => Schemes.Any(s => uri.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    public static string ToConnectionString(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var builder = new NpgsqlConnectionStringBuilder();
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart < 0 ? "" : rest[(queryStart + 1)..];
        rest = queryStart < 0 ? rest : rest[..queryStart];

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var database = slash < 0 ? "" : Decode(uri, rest[(slash + 1)..]);
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw Invalid(uri, "it names no database (expected postgresql://user:password@host:port/database)");
        }

        builder.Database = database;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Decode(uri, colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Decode(uri, userInfo[(colon + 1)..]);
            }

            authority = authority[(at + 1)..];
        }

        SetHostAndPort(uri, authority, builder);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(uri, equals < 0 ? pair : pair[..equals]);
            var value = Decode(uri, equals < 0 ? "" : pair[(equals + 1)..]);
            SetOption(uri, builder, key, value);
        }

        return builder.ConnectionString;
    }

    private static void SetHostAndPort(string uri, string authority, NpgsqlConnectionStringBuilder builder)
    {
        // [::1]:5432, host:5432, host, or empty (then ?host= may name a socket folder).
        var portSeparator = authority.StartsWith('[') ? authority.IndexOf("]:", StringComparison.Ordinal) + 1 : authority.LastIndexOf(':');
        var host = portSeparator > 0 ? authority[..portSeparator] : authority;
        if (portSeparator > 0)
        {
            var port = authority[(portSeparator + 1)..];
            if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw Invalid(uri, $"port '{port}' is not a number from 1 to 65535");
            }

            builder.Port = number;
        }

        builder.Host = host.Length == 0 ? "localhost" : Decode(uri, host.Trim('[', ']'));
    }

    private static void SetOption(string uri, NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        try
        {
            switch (key)
            {
                case "sslmode":
                    builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
                    break;
                case "host":
                    builder.Host = value;
                    break;
                case "port":
                    builder.Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "user":
                    builder.Username = value;
                    break;
                case "password":
                    builder.Password = value;
                    break;
                case "dbname":
                    builder.Database = value;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "sslrootcert":
                    builder.RootCertificate = value;
                    break;
                case "sslcert":
                    builder.SslCertificate = value;
                    break;
                case "sslkey":
                    builder.SslKey = value;
                    break;
                case "target_session_attrs":
                    builder.TargetSessionAttributes = value;
                    break;
                case "options":
                    builder.Options = value;
                    break;
                default:
                    throw Invalid(uri, $"option '{key}' is not supported (supported: sslmode, host, port, user, password, dbname, connect_timeout, application_name, sslrootcert, sslcert, sslkey, target_session_attrs, options)");
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException && ex is not InvalidPostgresUriException)
        {
            throw Invalid(uri, $"option {key}={value} is not valid");
        }
    }

    private static string Decode(string uri, string part)
    {
        try
        {
            return Uri.UnescapeDataString(part);
        }
        catch (UriFormatException)
        {
            throw Invalid(uri, $"'{part}' is not valid percent-encoding");
        }
    }

    private static InvalidPostgresUriException Invalid(string uri, string why) =>
        new($"Invalid backend store URI '{BackendStoreUri.Redact(uri)}': {why}.");

    private sealed class InvalidPostgresUriException(string message) : ArgumentException(message);
}
