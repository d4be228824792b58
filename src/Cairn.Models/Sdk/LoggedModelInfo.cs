using Cairn.Models.Package;

namespace Cairn.Models.Sdk;

/// <summary>A model logged to the tracking server, and its registry version when it was registered.</summary>
/// <param name="ModelId">The MLflow 3 logged model id (<c>m-…</c>).</param>
/// <param name="ModelUri"><c>models:/m-…</c>, loadable with <see cref="ModelLoading.LoadModelAsync(Cairn.Client.CairnClient, string, CancellationToken)"/>.</param>
/// <param name="ArtifactUri">Where the package's files are stored.</param>
/// <param name="Metadata">The MLmodel file as written.</param>
/// <param name="RegisteredModelName">The registered model, when the model was registered.</param>
/// <param name="RegisteredVersion">The new version, when the model was registered.</param>
public sealed record LoggedModelInfo(string ModelId, string ModelUri, string ArtifactUri, MlModelFile Metadata, string? RegisteredModelName, string? RegisteredVersion);
