using Cairn.Tests.Shared;

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
}
