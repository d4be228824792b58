using System.Text.Json;
using Cairn.Client;
using Cairn.Contracts.Mlflow;
using Cairn.Core.Tracking;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Models.Onnx;
using Cairn.Models.Package;
using Microsoft.ML;

namespace Cairn.Models.Sdk;

/// <summary>
/// Logs model packages the MLflow 3 way: a logged model linked to the run (<c>runs/outputs</c>), the files uploaded to the
/// logged model's own location, then finalized READY (UPLOAD_FAILED if anything fails), and optionally registered from
/// <c>models:/m-…</c>. Models from Python MLflow 3 clients and from .NET look the same in the registry.
/// </summary>
public static class ModelLogging
{
    private const int MaxParamsPerRequest = 100;

    /// <summary>
    /// Logs an ML.NET model. Without a signature, one is inferred from <paramref name="inputSchema"/>: the example's columns,
    /// or all columns but the label when there is no example.
    /// </summary>
    public static Task<LoggedModelInfo> LogModelAsync(this ActiveRun run, ITransformer model, DataViewSchema inputSchema,
        ModelSignature? signature = null, Frame? inputExample = null, string? registeredModelName = null,
        string name = "model", string? labelColumn = "Label", CancellationToken cancellationToken = default) =>
        LogAsync(run, name, MlNetFlavor.Name, directory =>
        {
            var flavor = MlNetFlavor.Save(model, inputSchema, directory);
            return (new Dictionary<string, IReadOnlyDictionary<string, object?>> { [MlNetFlavor.Name] = flavor },
                signature ?? MlNetFlavor.InferSignature(model, inputSchema, labelColumn, inputExample?.Columns.Select(c => c.Name).ToList()));
        }, inputExample, null, registeredModelName, cancellationToken);

    /// <summary>Logs an ONNX model file in MLflow's onnx flavor layout (loadable by Python MLflow's <c>mlflow.onnx</c> too).</summary>
    public static Task<LoggedModelInfo> LogOnnxModelAsync(this ActiveRun run, string onnxFile, ModelSignature? signature = null,
        IReadOnlyList<Tensor>? inputExample = null, string? registeredModelName = null, string name = "model", CancellationToken cancellationToken = default) =>
        LogAsync(run, name, OnnxFlavor.Name, directory => (OnnxFlavor.Save(onnxFile, directory), signature), null, inputExample, registeredModelName, cancellationToken);

    private static async Task<LoggedModelInfo> LogAsync(ActiveRun run, string name, string modelType,
        Func<string, (IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Flavors, ModelSignature? Signature)> save,
        Frame? frameExample, IReadOnlyList<Tensor>? tensorExample, string? registeredModelName, CancellationToken cancellationToken)
    {
        var client = run.Client;
        await run.FlushAsync(cancellationToken);
        var current = await client.GetRunAsync(run.RunId, cancellationToken);
        var runParams = (current.Data.Params ?? []).Select(p => KeyValuePair.Create(p.Key!, p.Value ?? "")).ToList();
        var parameters = new Dictionary<string, string>(runParams.Take(MaxParamsPerRequest));
        var tags = (current.Data.Tags ?? []).Where(t => t.Key is WellKnownTags.User or "mlflow.source.name" or "mlflow.source.type")
            .ToDictionary(t => t.Key!, t => t.Value ?? "");
        var logged = await client.CreateLoggedModelAsync(run.ExperimentId, name, run.RunId, modelType, parameters, tags, cancellationToken);
        var modelId = logged.Info.ModelId;

        // The create call carries the first 100 params; the rest follow in batches of 100, as MLflow 3 clients send them.
        foreach (var batch in runParams.Skip(MaxParamsPerRequest).Chunk(MaxParamsPerRequest))
        {
            await client.LogLoggedModelParamsAsync(modelId, new Dictionary<string, string>(batch), cancellationToken);
        }

        var directory = Directory.CreateTempSubdirectory("cairn-model-").FullName;
        try
        {
            await client.LogOutputsAsync(run.RunId, [modelId], 0, cancellationToken);
            await LinkRunMetricsAsync(client, current, modelId, cancellationToken);
            var (flavors, signature) = save(directory);
            var metadata = await ModelPackage.CompleteAsync(directory, flavors,
                new ModelPackage.Details(signature, run.RunId, modelId, logged.Info.ArtifactUri), client.Time, frameExample, tensorExample, cancellationToken);
            await client.UploadDirectoryAsync(logged.Info.ArtifactUri, directory, null, cancellationToken);
            await client.FinalizeLoggedModelAsync(modelId, LoggedModelStatus.Ready, cancellationToken);
            var (registered, version) = registeredModelName is null ? (null, null)
                : await RegisterLoggedModelAsync(client, registeredModelName, modelId, run.RunId, cancellationToken);
            return new LoggedModelInfo(modelId, "models:/" + modelId, logged.Info.ArtifactUri, metadata, registered, version);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            await client.FinalizeLoggedModelAsync(modelId, LoggedModelStatus.UploadFailed, CancellationToken.None);
            throw;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The run's latest metrics, logged again with the model id so they show on the model (as MLflow 3 clients do).</summary>
    private static async Task LinkRunMetricsAsync(CairnClient client, RunDto run, string modelId, CancellationToken cancellationToken)
    {
        var metrics = (run.Data.Metrics ?? []).Where(m => m.ModelId is null).Select(m => m with { ModelId = modelId }).ToList();
        foreach (var chunk in metrics.Chunk(1000))
        {
            await client.LogBatchAsync(run.Info.RunId, chunk, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Registers a logged model as a new version of <paramref name="name"/> (created if missing); returns (name, version).</summary>
    public static async Task<(string Name, string Version)> RegisterLoggedModelAsync(this CairnClient client, string name, string modelId, string runId,
        CancellationToken cancellationToken = default)
    {
        await client.EnsureRegisteredModelAsync(name, cancellationToken);
        var version = await client.CreateModelVersionAsync(name, "models:/" + modelId, runId, modelId, cancellationToken: cancellationToken);
        var list = JsonSerializer.Serialize(new[] { new Dictionary<string, string> { ["name"] = name, ["version"] = version.Version } });
        await client.SetLoggedModelTagsAsync(modelId, new Dictionary<string, string> { ["mlflow.modelVersions"] = list }, cancellationToken);
        return (name, version.Version);
    }
}
