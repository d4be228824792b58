using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Core.Tracking;

namespace Cairn.Contracts.Mlflow;

// Cairn's bulk run actions and CSV export (/api/2.0/cairn/runs/...), in MLflow's JSON dialect.

/// <summary>Which runs: <c>run_ids</c>, or every run of <c>experiment_ids</c> matching <c>filter</c> in <c>run_view_type</c>.</summary>
public sealed record BulkSelectionRequest(List<string>? RunIds, List<string>? ExperimentIds, string? Filter, ViewType? RunViewType);

/// <summary>
/// <c>POST /api/2.0/cairn/runs/bulk/apply</c>: <c>action</c> is <c>tag</c>, <c>move</c>, <c>delete</c>, <c>restore</c> or
/// <c>purge</c>; <c>expected_count</c> is the preview's count (required for a purge).
/// </summary>
public sealed record BulkApplyRequest(
    List<string>? RunIds,
    List<string>? ExperimentIds,
    string? Filter,
    ViewType? RunViewType,
    string? Action,
    KeyValueDto? Tag,
    string? TargetExperimentId,
    long? ExpectedCount);

public sealed record BulkUndoRequest(string? UndoToken);

public sealed record BulkPreviewResponse(long Runs, long ArtifactBytes, long SizedRuns, bool SizeIsPartial);

public sealed record BulkReasonDto(string Outcome, string Reason, long Count, List<string> ExampleRunIds);

/// <summary>A bulk action's report; <c>undo_token</c> and <c>undo_until</c> (epoch ms) while it can be undone.</summary>
public sealed record BulkReportResponse(
    string Action,
    bool IsUndo,
    long Matched,
    long Done,
    long Skipped,
    long Failed,
    List<BulkReasonDto> Reasons,
    string? UndoToken,
    long? UndoUntil);

/// <summary><c>GET /api/2.0/cairn/runs/export-csv</c>: the selection fields as query parameters.</summary>
public sealed record ExportRunsRequest(List<string>? ExperimentIds, string? Filter, ViewType? RunViewType);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    MaxDepth = 32,
    Converters = [typeof(ViewTypeConverter), typeof(LenientStringConverter)])]
[JsonSerializable(typeof(BulkSelectionRequest))]
[JsonSerializable(typeof(BulkApplyRequest))]
[JsonSerializable(typeof(BulkUndoRequest))]
[JsonSerializable(typeof(BulkPreviewResponse))]
[JsonSerializable(typeof(BulkReportResponse))]
[JsonSerializable(typeof(ExportRunsRequest))]
public sealed partial class BulkRunsJsonContext : JsonSerializerContext
{
    /// <summary>Like <see cref="Default"/>, writing quotes and angle brackets as themselves (bodies are JSON, never HTML).</summary>
    public static BulkRunsJsonContext Wire => LazyWire.Value;

    private static readonly Lazy<BulkRunsJsonContext> LazyWire = new(() => new BulkRunsJsonContext(
        new JsonSerializerOptions(Default!.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}
