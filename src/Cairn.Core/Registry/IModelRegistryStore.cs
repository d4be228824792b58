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
    Task<RegisteredModel> CreateModelAsync(string name, string description, IReadOnlyList<KeyValue> tags, Actor actor, CancellationToken cancellationToken);

    Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken);

    Task<RegisteredModel> RenameModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken);

    Task<RegisteredModel> UpdateModelAsync(string name, string description, Actor actor, CancellationToken cancellationToken);

    Task DeleteModelAsync(string name, Actor actor, CancellationToken cancellationToken);

    Task<Page<RegisteredModel>> SearchModelsAsync(RegistryQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken);

    Task SetModelTagAsync(string name, KeyValue tag, Actor actor, CancellationToken cancellationToken);

    Task DeleteModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken);

    Task SetAliasAsync(string name, string alias, long version, Actor actor, CancellationToken cancellationToken);

    Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken);

    Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken);

    Task<ModelVersion> CreateVersionAsync(NewModelVersion version, Actor actor, CancellationToken cancellationToken);

    Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken cancellationToken);

    Task<ModelVersion> UpdateVersionAsync(string name, long version, string description, Actor actor, CancellationToken cancellationToken);

    Task DeleteVersionAsync(string name, long version, Actor actor, CancellationToken cancellationToken);

    Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, Actor actor, CancellationToken cancellationToken);

    Task<Page<ModelVersion>> SearchVersionsAsync(RegistryQuery query, CancellationToken cancellationToken);

    Task SetVersionTagAsync(string name, long version, KeyValue tag, Actor actor, CancellationToken cancellationToken);

    /// <summary>Records an approval decision on a version (see <see cref="ApprovalPolicy"/>).</summary>
    Task<ModelVersion> DecideApprovalAsync(string name, long version, ApprovalStatus decision, string? comment, Actor actor, CancellationToken cancellationToken);

    /// <summary>The audit trail of one registered model (across renames), newest first.</summary>
    Task<Page<AuditEvent>> GetAuditTrailAsync(string name, int maxResults, long offset, CancellationToken cancellationToken);

    Task DeleteVersionTagAsync(string name, long version, string key, Actor actor, CancellationToken cancellationToken);
}
