using Cairn.Core.Tracking;

namespace Cairn.Core.Registry;

public sealed record ModelAlias(string Alias, long Version);

public sealed record ModelVersion(
    string Name,
    long Version,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string? UserId,
    string CurrentStage,
    string Description,
    string Source,
    string? RunId,
    string RunLink,
    string StorageLocation,
    IReadOnlyList<KeyValue> Tags,
    IReadOnlyList<string> Aliases,
    Approval Approval);

public sealed record RegisteredModel(
    string Name,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string? UserId,
    string Description,
    IReadOnlyList<ModelVersion> LatestVersions,
    IReadOnlyList<KeyValue> Tags,
    IReadOnlyList<ModelAlias> Aliases);

public sealed record NewModelVersion(
    string Name,
    string Source,
    string StorageLocation,
    string? RunId,
    string RunLink,
    string Description,
    IReadOnlyList<KeyValue> Tags);

/// <summary>The stages of MLflow's (deprecated but working) stage workflow, with their canonical spelling.</summary>
public static class ModelStages
{
    public const string None = "None";
    public const string Staging = "Staging";
    public const string Production = "Production";
    public const string Archived = "Archived";

    public static readonly IReadOnlyList<string> All = [None, Staging, Production, Archived];

    /// <summary>Matches a stage name case-insensitively and returns its canonical form.</summary>
    public static string Canonical(string stage) =>
        All.FirstOrDefault(s => s.Equals(stage, StringComparison.OrdinalIgnoreCase))
        ?? throw CairnException.InvalidParameter($"Invalid Model Version stage: {stage}. Value must be one of {string.Join(", ", All)}.");
}
