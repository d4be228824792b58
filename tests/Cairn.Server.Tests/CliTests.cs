using System.Diagnostics;
using Cairn.Storage.Sqlite;

namespace Cairn.Server.Tests;

/// <summary>The `cairn` executable as a user runs it: exit codes and messages.</summary>
public sealed class CliTests
{
    internal static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cairn.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Help_ListsTheServerCommandAndItsOptions()
    {
        var (code, output) = await RunAsync("server", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--host", "--port", "--backend-store-uri", "--artifacts-destination" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Server_WithUnsupportedStoreUri_ExitsWithAClearMessage()
    {
        var (code, output) = await RunAsync("server", "--port", "0", "--backend-store-uri", "mysql://db/x");
        Assert.Equal(2, code);
        Assert.Contains("Unsupported backend store URI", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_OnANewerSchema_RefusesToStart_AndDbUpgradeSaysWhy()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cairn-cli", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(directory, "cairn.db");
        await SqliteDatabase.Open(path).DisposeAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, name) VALUES (9999, 'future')";
            command.ExecuteNonQuery();
        }

        var (serverCode, serverOutput) = await RunAsync("server", "--port", "0", "--backend-store-uri", $"sqlite:///{path}", "--artifacts-destination", Path.Combine(directory, "a"));
        Assert.Equal(2, serverCode);
        Assert.Contains("newer than this Cairn knows", serverOutput, StringComparison.Ordinal);

        var (upgradeCode, upgradeOutput) = await RunAsync("db", "upgrade", "--backend-store-uri", $"sqlite:///{path}");
        Assert.Equal(2, upgradeCode);
        Assert.Contains("newer", upgradeOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbUpgrade_OnACurrentDatabase_ReportsTheVersion()
    {
        var path = Path.Combine(Path.GetTempPath(), "cairn-cli", Guid.NewGuid().ToString("N"), "cairn.db");
        await SqliteDatabase.Open(path).DisposeAsync();
        var (code, output) = await RunAsync("db", "upgrade", "--backend-store-uri", $"sqlite:///{path}");
        Assert.Equal(0, code);
        Assert.Contains($"schema version {SqliteMigrator.LatestVersion}", output, StringComparison.Ordinal);
    }
}
