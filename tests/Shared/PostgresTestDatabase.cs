using Cairn.Storage;
using Npgsql;

namespace Cairn.Tests.Shared;

/// <summary>
/// A fresh, randomly named database on the PostgreSQL server named by <c>CAIRN_TEST_POSTGRES_URI</c>, dropped on dispose.
/// Without the variable the tests fail rather than skip: in CI a PostgreSQL run that silently did nothing is a failure.
/// </summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "CAIRN_TEST_POSTGRES_URI";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string name, string uri)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        Uri = uri;
        ConnectionString = BackendStoreUri.Parse(uri, ".").Location;
    }

    public string Name { get; }

    /// <summary>The database as a backend store URI (<c>postgresql://…/name</c>).</summary>
    public string Uri { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var serverUri = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(serverUri))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. PostgreSQL tests need a server URI such as postgresql://postgres@127.0.0.1:5432/postgres (./test.sh starts one).");
        }

        var admin = BackendStoreUri.Parse(serverUri, ".").Location;
        var name = "cairn_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new PostgresTestDatabase(admin, name, WithDatabase(serverUri, name));
    }

    /// <summary>The same server URI pointing at another database (the path part replaced, options kept).</summary>
    private static string WithDatabase(string uri, string database)
    {
        var authorityStart = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        var query = uri.IndexOf('?', authorityStart);
        var end = query < 0 ? uri.Length : query;
        var slash = uri.IndexOf('/', authorityStart);
        var pathStart = slash < 0 || slash > end ? end : slash;
        return uri[..pathStart] + "/" + database + uri[end..];
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
