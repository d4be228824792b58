using System.Diagnostics;
using System.Globalization;
using Cairn.Client;
using Cairn.Core.Registry;
using Cairn.Models.Package;
using Cairn.Models.Sdk;

namespace Cairn.Serving.Models;

/// <summary>Loads what <c>-m</c> names, pinning a registry alias, stage or "latest" to the version it points at now.</summary>
public static class ServedModelLoader
{
    /// <summary>Requests run side by side on Kestrel's threads, so one ONNX Runtime thread each beats every request spinning up all cores.</summary>
    public static readonly ModelLoadOptions ServingDefaults = new() { OnnxIntraOpThreads = 1 };

    public static async Task<ServedModel> LoadAsync(CairnClient client, ModelSource source, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var (uri, version) = await PinAsync(client, source.Uri, cancellationToken);
        var model = await client.LoadModelAsync(uri, ServingDefaults, cancellationToken);
        return new ServedModel(source.Name, version, source.Uri, model, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>True for URIs whose version can change: an alias, a stage or "latest".</summary>
    public static bool Follows(string uri) =>
        uri.StartsWith("models:/", StringComparison.Ordinal) && ModelUri.Parse(uri) is ModelAliasUri or ModelStageUri or ModelLatestUri;

    /// <summary>The URI to load and its registry version: an alias is read once, so a move during the download cannot mix versions.</summary>
    public static async Task<(string Uri, string? Version)> PinAsync(CairnClient client, string uri, CancellationToken cancellationToken)
    {
        if (!uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            return (uri, null);
        }

        switch (ModelUri.Parse(uri))
        {
            case ModelVersionUri v:
                return (uri, v.Version.ToString(CultureInfo.InvariantCulture));
            case ModelAliasUri a:
                var byAlias = await client.GetModelVersionByAliasAsync(a.Name, a.Alias, cancellationToken);
                return ($"models:/{a.Name}/{byAlias.Version}", byAlias.Version);
            case ModelStageUri s:
                var inStage = (await client.GetLatestVersionsAsync(s.Name, [s.Stage], cancellationToken)).FirstOrDefault()
                    ?? throw new ModelPackageException($"Registered model '{s.Name}' has no version in stage {s.Stage}.");
                return ($"models:/{s.Name}/{inStage.Version}", inStage.Version);
            case ModelLatestUri l:
                var newest = (await client.GetLatestVersionsAsync(l.Name, null, cancellationToken)).MaxBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture))
                    ?? throw new ModelPackageException($"Registered model '{l.Name}' has no versions.");
                return ($"models:/{l.Name}/{newest.Version}", newest.Version);
            default:
                return (uri, null);
        }
    }
}
