using System.CommandLine;
using Cairn.Storage;
using Cairn.Storage.Postgres;
using Cairn.Storage.Sqlite;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn db upgrade</c>: migrates an existing metadata database to this version's schema.</summary>
internal sealed class DbCommand(IConsoleOutput console)
{
    private readonly Option<string> _backendStoreUri = new("--backend-store-uri")
    {
        Description = "Metadata store to upgrade: sqlite:///path.db or postgresql://user:password@host:port/database (default sqlite:///cairn-data/cairn.db).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CAIRN_STORAGE__BACKENDSTOREURI") ?? "sqlite:///cairn-data/cairn.db",
    };

    public Command Build()
    {
        var upgrade = new Command("upgrade", "Apply schema migrations to an existing database.");
        upgrade.Options.Add(_backendStoreUri);
        upgrade.SetAction(ExecuteUpgradeAsync);
        var command = new Command("db", "Manage the metadata database.");
        command.Subcommands.Add(upgrade);
        return command;
    }

    public Task<int> ExecuteUpgradeAsync(ParseResult result, CancellationToken cancellationToken)
    {
        try
        {
            var uri = BackendStoreUri.Parse(result.GetValue(_backendStoreUri)!, Directory.GetCurrentDirectory());
            var (version, where) = uri.Provider == BackendStoreUri.Postgres
                ? (PostgresMigrator.Upgrade(uri.Location), BackendStoreUri.Describe(uri.Location))
                : (SqliteMigrator.Upgrade(uri.Location), uri.Location);
            console.Info($"Database {where} is at schema version {version}.");
            return Task.FromResult(ExitCodes.Success);
        }
        catch (Exception exception) when (exception is SchemaVersionException or StorageUnavailableException or ArgumentException)
        {
            console.Error(exception.Message);
            return Task.FromResult(ExitCodes.InvalidConfiguration);
        }
    }
}
