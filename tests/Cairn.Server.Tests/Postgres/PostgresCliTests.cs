using Cairn.Server.Tests.Maintenance;
using Cairn.Tests.Shared;
using Npgsql;

namespace Cairn.Server.Tests.Postgres;

public sealed class PostgresCliTests
{
    [Fact]
    public async Task DbUpgrade_OnPostgres_ReportsTheSchemaVersion()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var (code, output) = await CliTests.RunAsync("db", "upgrade", "--backend-store-uri", database.Uri);
        Assert.Equal(0, code);
        Assert.Contains($"/{database.Name} is at schema version", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_OnUnreachablePostgres_ExitsWithAClearMessage_AndNoPassword()
    {
        var (code, output) = await CliTests.RunAsync("server", "--port", "0", "--backend-store-uri",
            "postgresql+psycopg2://cairn:hunter2@127.0.0.1:1/cairn?connect_timeout=2");
        Assert.Equal(2, code);
        Assert.Contains("Cannot use the PostgreSQL database at 127.0.0.1:1/cairn", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_OnADatabaseWithoutCairnSchema_RefusesAndCreatesNothing()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();

        var (code, _, errors) = await GcProcess.RunAsync(null, "--backend-store-uri", database.Uri);

        Assert.Equal(2, code);
        Assert.Contains($"No Cairn schema in the PostgreSQL database at 127.0.0.1:", errors, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var tables = new NpgsqlCommand("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'", connection);
        Assert.Equal(0L, await tables.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Gc_OnUnreachablePostgres_ExitsWithAClearMessage_AndNoPassword()
    {
        var (code, _, errors) = await GcProcess.RunAsync(null, "--backend-store-uri", "postgresql://cairn:hunter2@127.0.0.1:1/cairn?connect_timeout=2");

        Assert.Equal(2, code);
        Assert.Contains("Cannot use the PostgreSQL database at 127.0.0.1:1/cairn", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", errors, StringComparison.Ordinal);
    }
}
