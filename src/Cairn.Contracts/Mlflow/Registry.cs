namespace Cairn.Contracts.Mlflow;

public sealed record RegisteredModelAliasDto(string Alias, string Version);

public sealed record ModelVersionDto(
    string Name,
    string Version,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string? UserId,
    string CurrentStage,
    string Description,
    string Source,
    string? RunId,
    string Status,
    List<KeyValueDto>? Tags,
    string RunLink,
    List<string>? Aliases);

public sealed record RegisteredModelDto(
    string Name,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string? UserId,
    string Description,
    List<ModelVersionDto>? LatestVersions,
    List<KeyValueDto>? Tags,
    List<RegisteredModelAliasDto>? Aliases);

public sealed record CreateRegisteredModelRequest(string? Name, List<KeyValueDto>? Tags, string? Description);

public sealed record ModelNameRequest(string? Name);

public sealed record RenameRegisteredModelRequest(string? Name, string? NewName);

public sealed record UpdateRegisteredModelRequest(string? Name, string? Description);

public sealed record RegistrySearchRequest(string? Filter, long? MaxResults, List<string>? OrderBy, string? PageToken);

public sealed record GetLatestVersionsRequest(string? Name, List<string>? Stages);

public sealed record ModelTagRequest(string? Name, string? Key, string? Value);

public sealed record ModelAliasRequest(string? Name, string? Alias, string? Version);

public sealed record CreateModelVersionRequest(string? Name, string? Source, string? RunId, List<KeyValueDto>? Tags, string? RunLink, string? Description, string? ModelId = null);

public sealed record ModelVersionRequest(string? Name, string? Version);

public sealed record UpdateModelVersionRequest(string? Name, string? Version, string? Description);

public sealed record TransitionStageRequest(string? Name, string? Version, string? Stage, bool? ArchiveExistingVersions);

public sealed record ModelVersionTagRequest(string? Name, string? Version, string? Key, string? Value);

public sealed record RegisteredModelResponse(RegisteredModelDto RegisteredModel);

public sealed record SearchRegisteredModelsResponse(List<RegisteredModelDto>? RegisteredModels, string? NextPageToken);

public sealed record ModelVersionResponse(ModelVersionDto ModelVersion);

public sealed record ModelVersionsResponse(List<ModelVersionDto>? ModelVersions, string? NextPageToken = null);

public sealed record DownloadUriResponse(string ArtifactUri);
