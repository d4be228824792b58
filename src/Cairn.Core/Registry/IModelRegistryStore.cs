using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Core.Registry;

public sealed record RegistryQuery(IReadOnlyList<Comparison> Filter, IReadOnlyList<OrderTerm> OrderBy, int MaxResults, long Offset);

/// <summary>
/// The model registry port: registered models (hard delete), their versions (numbered per model, never reused,
/// hidden on delete), stages, aliases and tags.
/// </summary>
public interface IModelRegistryStore
{
    Task<RegisteredModel> CreateModelAsync(string name, string description, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken);

    Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken);

    Task<RegisteredModel> RenameModelAsync(string name, string newName, CancellationToken cancellationToken);

    Task<RegisteredModel> UpdateModelAsync(string name, string description, CancellationToken cancellationToken);

    Task DeleteModelAsync(string name, CancellationToken cancellationToken);

    Task<Page<RegisteredModel>> SearchModelsAsync(RegistryQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken);

    Task SetModelTagAsync(string name, KeyValue tag, CancellationToken cancellationToken);

    Task DeleteModelTagAsync(string name, string key, CancellationToken cancellationToken);

    Task SetAliasAsync(string name, string alias, long version, CancellationToken cancellationToken);

    Task DeleteAliasAsync(string name, string alias, CancellationToken cancellationToken);

    Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken);

    Task<ModelVersion> CreateVersionAsync(NewModelVersion version, CancellationToken cancellationToken);

    Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken cancellationToken);

    Task<ModelVersion> UpdateVersionAsync(string name, long version, string description, CancellationToken cancellationToken);

    Task DeleteVersionAsync(string name, long version, CancellationToken cancellationToken);

    Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, CancellationToken cancellationToken);

    Task<Page<ModelVersion>> SearchVersionsAsync(RegistryQuery query, CancellationToken cancellationToken);

    Task SetVersionTagAsync(string name, long version, KeyValue tag, CancellationToken cancellationToken);

    Task DeleteVersionTagAsync(string name, long version, string key, CancellationToken cancellationToken);
}
