using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Core.Tracking;

namespace Cairn.Contracts.Mlflow;

public sealed record LoggedModelInfoDto(
    string ModelId,
    string ExperimentId,
    string Name,
    long CreationTimestampMs,
    long LastUpdatedTimestampMs,
    string ArtifactUri,
    LoggedModelStatus Status,
    string? ModelType,
    string? SourceRunId,
    string? StatusMessage,
    List<KeyValueDto>? Tags);

public sealed record LoggedModelDataDto(List<KeyValueDto>? Params, List<MetricDto>? Metrics);

public sealed record LoggedModelDto(LoggedModelInfoDto Info, LoggedModelDataDto Data);

public sealed record LoggedModelResponse(LoggedModelDto Model);

public sealed record CreateLoggedModelRequest(string? ExperimentId, string? Name, string? ModelType, string? SourceRunId, List<KeyValueDto>? Params, List<KeyValueDto>? Tags);

public sealed record FinalizeLoggedModelRequest(string? ModelId, LoggedModelStatus? Status);

public sealed record LoggedModelIdRequest(string? ModelId, bool? AllowDeleted);

public sealed record SearchLoggedModelsRequest(List<string>? ExperimentIds, string? Filter, long? MaxResults, string? PageToken,
    List<LoggedModelDatasetDto>? Datasets = null, List<LoggedModelOrderByDto>? OrderBy = null);

/// <summary>Limits metric filters and metric ordering to metrics computed on this dataset.</summary>
public sealed record LoggedModelDatasetDto(string? DatasetName, string? DatasetDigest);

public sealed record LoggedModelOrderByDto(string? FieldName, bool? Ascending, string? DatasetName, string? DatasetDigest);

public sealed record SearchLoggedModelsResponse(List<LoggedModelDto>? Models, string? NextPageToken);

public sealed record LoggedModelTagsRequest(string? ModelId, List<KeyValueDto>? Tags);

public sealed record LoggedModelParamsRequest(string? ModelId, List<KeyValueDto>? Params);

public sealed record ModelOutputRequestDto(string? ModelId, long? Step);

public sealed record LogOutputsRequest(string? RunId, List<ModelOutputRequestDto>? Models);

/// <summary>MLflow 3 wire names of the logged-model status enum.</summary>
public sealed class LoggedModelStatusConverter : JsonConverter<LoggedModelStatus>
{
    private static readonly string[] Names = ["LOGGED_MODEL_STATUS_UNSPECIFIED", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"];

    public override LoggedModelStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) && number is >= 0 and <= 3)
        {
            return (LoggedModelStatus)number;
        }

        var index = reader.TokenType == JsonTokenType.String ? Array.IndexOf(Names, reader.GetString()) : -1;
        return index >= 0 ? (LoggedModelStatus)index : throw new JsonException("Unknown logged model status.");
    }

    public override void Write(Utf8JsonWriter writer, LoggedModelStatus value, JsonSerializerOptions options) => writer.WriteStringValue(Names[(int)value]);
}
