using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Core.Tracking;

namespace Cairn.Contracts.Mlflow;

/// <summary>
/// MLflow's JSON dialect: snake_case names, int64 accepted as numeric strings, NaN and infinities as strings,
/// enums by name (or number), nulls omitted.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    MaxDepth = 32,
    Converters = [typeof(RunStatusConverter), typeof(ViewTypeConverter), typeof(LoggedModelStatusConverter), typeof(LenientStringConverter)])]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(CreateExperimentRequest))]
[JsonSerializable(typeof(CreateExperimentResponse))]
[JsonSerializable(typeof(ExperimentIdRequest))]
[JsonSerializable(typeof(GetExperimentByNameRequest))]
[JsonSerializable(typeof(ExperimentResponse))]
[JsonSerializable(typeof(SearchExperimentsRequest))]
[JsonSerializable(typeof(SearchExperimentsResponse))]
[JsonSerializable(typeof(ListExperimentsRequest))]
[JsonSerializable(typeof(UpdateExperimentRequest))]
[JsonSerializable(typeof(SetExperimentTagRequest))]
[JsonSerializable(typeof(CreateRunRequest))]
[JsonSerializable(typeof(RunResponse))]
[JsonSerializable(typeof(UpdateRunRequest))]
[JsonSerializable(typeof(UpdateRunResponse))]
[JsonSerializable(typeof(RunIdRequest))]
[JsonSerializable(typeof(SearchRunsRequest))]
[JsonSerializable(typeof(SearchRunsResponse))]
[JsonSerializable(typeof(LogMetricRequest))]
[JsonSerializable(typeof(KeyValueRunRequest))]
[JsonSerializable(typeof(LogBatchRequest))]
[JsonSerializable(typeof(LogModelRequest))]
[JsonSerializable(typeof(LogInputsRequest))]
[JsonSerializable(typeof(GetMetricHistoryRequest))]
[JsonSerializable(typeof(MetricHistoryResponse))]
[JsonSerializable(typeof(GetMetricHistoryBulkIntervalRequest))]
[JsonSerializable(typeof(GetMetricHistoryBulkRequest))]
[JsonSerializable(typeof(MetricsWithRunIdResponse))]
[JsonSerializable(typeof(ListArtifactsRequest))]
[JsonSerializable(typeof(ListArtifactsResponse))]
[JsonSerializable(typeof(ArtifactFilesResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(LoggedModelResponse))]
[JsonSerializable(typeof(CreateLoggedModelRequest))]
[JsonSerializable(typeof(FinalizeLoggedModelRequest))]
[JsonSerializable(typeof(LoggedModelIdRequest))]
[JsonSerializable(typeof(SearchLoggedModelsRequest))]
[JsonSerializable(typeof(SearchLoggedModelsResponse))]
[JsonSerializable(typeof(LoggedModelTagsRequest))]
[JsonSerializable(typeof(LoggedModelParamsRequest))]
[JsonSerializable(typeof(LogOutputsRequest))]
[JsonSerializable(typeof(CreateRegisteredModelRequest))]
[JsonSerializable(typeof(ModelNameRequest))]
[JsonSerializable(typeof(RenameRegisteredModelRequest))]
[JsonSerializable(typeof(UpdateRegisteredModelRequest))]
[JsonSerializable(typeof(RegistrySearchRequest))]
[JsonSerializable(typeof(GetLatestVersionsRequest))]
[JsonSerializable(typeof(ModelTagRequest))]
[JsonSerializable(typeof(ModelAliasRequest))]
[JsonSerializable(typeof(CreateModelVersionRequest))]
[JsonSerializable(typeof(ModelVersionRequest))]
[JsonSerializable(typeof(UpdateModelVersionRequest))]
[JsonSerializable(typeof(TransitionStageRequest))]
[JsonSerializable(typeof(ModelVersionTagRequest))]
[JsonSerializable(typeof(RegisteredModelResponse))]
[JsonSerializable(typeof(SearchRegisteredModelsResponse))]
[JsonSerializable(typeof(ModelVersionResponse))]
[JsonSerializable(typeof(ModelVersionsResponse))]
[JsonSerializable(typeof(DownloadUriResponse))]
[JsonSerializable(typeof(List<RegisteredModelDto>))]
[JsonSerializable(typeof(List<ModelVersionDto>))]
[JsonSerializable(typeof(GetDownsampledHistoryRequest))]
[JsonSerializable(typeof(DownsampledHistoryResponse))]
public sealed partial class MlflowJsonContext : JsonSerializerContext
{
    /// <summary>The context to use: like <see cref="Default"/>, but writing quotes and angle brackets as themselves (bodies are JSON, never HTML).</summary>
    public static MlflowJsonContext Wire => LazyWire.Value;

    private static readonly Lazy<MlflowJsonContext> LazyWire = new(() => new MlflowJsonContext(
        new JsonSerializerOptions(Default!.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}

public sealed class RunStatusConverter() : JsonStringEnumConverter<RunStatus>(JsonNamingPolicy.SnakeCaseUpper);

public sealed class ViewTypeConverter() : JsonStringEnumConverter<ViewType>(JsonNamingPolicy.SnakeCaseUpper);

/// <summary>Some clients send ids as numbers (<c>"experiment_id": 1</c>); a string field accepts a number's text.</summary>
public sealed class LenientStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Compact serialisation of client-supplied JSON documents kept verbatim (e.g. a logged model's description).</summary>
[JsonSerializable(typeof(JsonElement))]
public sealed partial class RawJsonContext : JsonSerializerContext;
