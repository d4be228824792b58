using System.CommandLine;
using Cairn.Server;
using Cairn.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn server</c>: the platform server on embedded defaults unless told otherwise.</summary>
internal sealed class ServerCommand(IConsoleOutput console)
{
    private readonly Option<string> _host = new("--host") { Description = "Address to listen on (default 127.0.0.1)." };
    private readonly Option<int?> _port = new("--port", "-p") { Description = "Port to listen on (default 5000; 0 picks a free port)." };
    private readonly Option<string> _backendStoreUri = new("--backend-store-uri")
    {
        Description = "Metadata store: sqlite:///cairn-data/cairn.db (relative), sqlite:////abs/path.db, or postgresql://user:password@host:port/database (default sqlite:///cairn-data/cairn.db).",
    };

    private readonly Option<string> _artifactsDestination = new("--artifacts-destination")
    {
        Description = "Where artifacts live: a folder, or s3://bucket/prefix (S3 settings from MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION; default cairn-data/artifacts).",
    };

    private readonly Option<bool> _requireApproval = new("--require-approval")
    {
        Description = "Versions must be approved before moving to Production or a protected alias (default: champion).",
    };

    public Command Build()
    {
        var command = new Command("server", "Run the Cairn platform server (MLflow-compatible tracking API).");
        command.Options.Add(_host);
        command.Options.Add(_port);
        command.Options.Add(_backendStoreUri);
        command.Options.Add(_artifactsDestination);
        command.Options.Add(_requireApproval);
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        // Flags become configuration keys; absent flags leave environment variables and appsettings in charge.
        var args = new List<string>();
        AddSetting(args, "Server:Host", result.GetValue(_host));
        AddSetting(args, "Server:Port", result.GetValue(_port)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddSetting(args, "Storage:BackendStoreUri", result.GetValue(_backendStoreUri));
        AddSetting(args, "Artifacts:Destination", result.GetValue(_artifactsDestination));
        AddSetting(args, "Registry:RequireApproval", result.GetValue(_requireApproval) ? "true" : null);
        try
        {
            await using var app = CairnApp.Create([.. args]);
            await app.StartCairnAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is SchemaVersionException or StorageUnavailableException or ArgumentException or OptionsValidationException or FormatException)
        {
            console.Error(exception.Message);
            return ExitCodes.InvalidConfiguration;
        }
    }

    private static void AddSetting(List<string> args, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            args.Add($"--{key}={value}");
        }
    }
}
