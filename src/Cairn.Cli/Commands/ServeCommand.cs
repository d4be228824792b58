using System.CommandLine;
using System.Globalization;
using Cairn.Client;
using Cairn.Core;
using Cairn.Models.Package;
using Cairn.Serving;
using Cairn.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn serve</c>: a model server for one or more models, speaking MLflow's scoring protocol and the Open Inference Protocol v2.</summary>
internal sealed class ServeCommand(IConsoleOutput console)
{
    private readonly Option<string[]> _models = new("--model", "-m")
    {
        Description = "Model to serve: models:/name@alias, models:/name/3, models:/name/Production, models:/m-<id>, runs:/<run>/<path>, "
            + "mlflow-artifacts:/…, or a local model folder; name=<uri> sets the name it is served under. Repeat for several models.",
        Required = true,
    };

    private readonly Option<string> _name = new("--name") { Description = "Name to serve a single model under (default: the registered model's name, else \"model\")." };
    private readonly Option<string> _host = new("--host") { Description = "Address to listen on (default 127.0.0.1)." };
    private readonly Option<int?> _port = new("--port", "-p") { Description = "Port to listen on (default 5001; 0 picks a free port)." };
    private readonly Option<int?> _maxBatchSize = new("--max-batch-size")
    {
        Description = "Merge concurrent requests for a model into calls of up to this many rows (default: no batching). "
            + "Per model: CAIRN_SERVING__MODELS__<name>__MAXBATCHSIZE.",
    };

    private readonly Option<double?> _maxLatency = new("--max-latency-ms")
    {
        Description = "With batching, how long a request may wait for others to join its batch (default 0: only requests already queued join).",
    };

    private readonly Option<double?> _pollInterval = new("--poll-interval")
    {
        Description = "Seconds between registry checks for models served by alias, stage or latest; a new version is loaded and swapped in "
            + "without dropping requests (default 30; 0 turns hot swap off).",
    };

    private readonly Option<int?> _grpcPort = new("--grpc-port") { Description = "Also serve the Open Inference Protocol over gRPC on this port (HTTP/2; 0 picks a free port)." };

    private readonly Option<string> _payloadLog = new("--payload-log")
    {
        Description = "Log prediction requests and responses under this folder (<dir>/<model>/<date>/payloads-<hour>.jsonl, UTC; see --payload-log-format).",
    };

    private readonly Option<string> _payloadLogFormat = new("--payload-log-format")
    {
        Description = "Payload log files: jsonl (one record per request, bodies as sent; the default) or parquet (one row per scored row: "
            + "timestamp, model, version, request id, each input feature and each prediction as columns; a file per model and UTC hour, readable once closed).",
    };

    private readonly Option<double?> _payloadSampleRate = new("--payload-sample-rate") { Description = "Share of prediction requests logged with --payload-log, 0 to 1 (default 1)." };

    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server to load registry models from (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
    };

    public Command Build()
    {
        var command = new Command("serve", "Serve models over HTTP: MLflow /invocations and Open Inference Protocol v2 (/v2/models/{name}/infer).");
        command.Options.Add(_models);
        command.Options.Add(_name);
        command.Options.Add(_host);
        command.Options.Add(_port);
        command.Options.Add(_maxBatchSize);
        command.Options.Add(_maxLatency);
        command.Options.Add(_grpcPort);
        command.Options.Add(_pollInterval);
        command.Options.Add(_payloadLog);
        _payloadLogFormat.AcceptOnlyFromAmong("jsonl", "parquet");
        command.Options.Add(_payloadLogFormat);
        command.Options.Add(_payloadSampleRate);
        command.Options.Add(_trackingUri);
        command.SetAction(ExecuteAsync);
        return command;
    }

    public async Task<int> ExecuteAsync(ParseResult result, CancellationToken cancellationToken)
    {
        List<ModelSource> sources;
        try
        {
            sources = Sources(result);
        }
        catch (ArgumentException error)
        {
            console.Error(error.Message);
            return ExitCodes.InvalidConfiguration;
        }

        var loaded = new List<ServedModel>();
        using var client = CairnClient.Create(result.GetValue(_trackingUri));
        try
        {
            foreach (var source in sources)
            {
                console.Info($"Loading '{source.Name}' from {source.Uri}");
                loaded.Add(await ServedModelLoader.LoadAsync(client, source, cancellationToken));
            }
        }
        catch (Exception error) when (error is ModelPackageException or CairnClientException or CairnException or HttpRequestException or ArgumentException or IOException)
        {
            console.Error($"Cannot load the model: {error.Message}");
            loaded.ForEach(m => m.Dispose());
            return ExitCodes.InvalidConfiguration;
        }

        var args = new List<string>();
        AddSetting(args, "Serving:Host", result.GetValue(_host));
        AddSetting(args, "Serving:Port", result.GetValue(_port)?.ToString(CultureInfo.InvariantCulture));
        AddSetting(args, "Serving:Batching:MaxBatchSize", result.GetValue(_maxBatchSize)?.ToString(CultureInfo.InvariantCulture));
        AddSetting(args, "Serving:Batching:MaxLatencyMs", result.GetValue(_maxLatency)?.ToString(CultureInfo.InvariantCulture));
        AddSetting(args, "Serving:PayloadLog:Directory", result.GetValue(_payloadLog) is { } log ? Path.GetFullPath(log) : null);
        AddSetting(args, "Serving:PayloadLog:SampleRate", result.GetValue(_payloadSampleRate)?.ToString(CultureInfo.InvariantCulture));
        AddSetting(args, "Serving:PayloadLog:Format", result.GetValue(_payloadLogFormat));
        AddSetting(args, "Serving:GrpcPort", result.GetValue(_grpcPort)?.ToString(CultureInfo.InvariantCulture));
        AddSetting(args, "Serving:PollIntervalSeconds", result.GetValue(_pollInterval)?.ToString(CultureInfo.InvariantCulture));
        try
        {
            var models = new ServedModels(loaded);
            await using var app = ServingApp.Create([.. args], models, client);
            var address = await app.StartServingAsync(cancellationToken);
            console.Info($"Serving {string.Join(", ", loaded.Select(m => m.Version is null ? m.Name : $"{m.Name} (version {m.Version})"))} on {address}"
                + (app.GrpcAddress() is { } grpc ? $" (gRPC on {grpc})" : string.Empty));
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        }
        catch (Exception error) when (error is ArgumentException or OptionsValidationException or FormatException or IOException)
        {
            console.Error(error.Message);
            loaded.ForEach(m => m.Dispose());
            return ExitCodes.InvalidConfiguration;
        }
    }

    private List<ModelSource> Sources(ParseResult result)
    {
        var sources = (result.GetValue(_models) ?? []).Select(ModelSource.Parse).ToList();
        if (result.GetValue(_name) is { } name)
        {
            if (sources.Count != 1)
            {
                throw new ArgumentException("--name applies to a single model; with several, name each one: -m name=<uri>.");
            }

            if (!ModelSource.IsName(name))
            {
                throw new ArgumentException($"--name '{name}' may hold only letters, digits, '-', '_' and '.'.");
            }

            sources = [sources[0] with { Name = name }];
        }

        var duplicate = sources.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two models would be served as '{duplicate.Key}'; name each one: -m name=<uri>.");
        }

        return sources;
    }

    private static void AddSetting(List<string> args, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            args.Add($"--{key}={value}");
        }
    }
}
