using System.Text;
using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;
using Cairn.Server.Mlflow;
using static Cairn.Server.Features.Tracking.RequestFields;

namespace Cairn.Server.Features.Tracking;

/// <summary>
/// Bulk run actions and the CSV export, Cairn extensions beside MLflow's routes in MLflow's JSON and error dialect.
/// The web UI calls the same <see cref="BulkRunService"/> these handlers do.
/// </summary>
internal static class BulkRunEndpoints
{
    private static readonly BulkRunsJsonContext Json = BulkRunsJsonContext.Wire;

    public static WebApplicationBuilder AddBulkRuns(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BulkRunOptions>().BindConfiguration(BulkRunOptions.Section);
        builder.Services.AddSingleton(s => s.GetRequiredService<Microsoft.Extensions.Options.IOptions<BulkRunOptions>>().Value);
        builder.Services.AddSingleton<BulkUndoLog>();
        builder.Services.AddSingleton<BulkRunService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBulkRunEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(DownsampledHistoryEndpoints.Prefix).AddEndpointFilter<MlflowErrorFilter>();
        group.MapPost("/runs/bulk/preview", Preview);
        group.MapPost("/runs/bulk/apply", Apply);
        group.MapPost("/runs/bulk/undo", Undo);
        group.MapGet("/runs/export-csv", ExportCsv);
        return app;
    }

    private static async Task<IResult> Preview(HttpContext context, BulkRunService bulk, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.BulkSelectionRequest);
        var preview = await bulk.PreviewAsync(Selection(request.RunIds, request.ExperimentIds, request.Filter, request.RunViewType), cancellationToken);
        return MlflowResults.Json(new BulkPreviewResponse(preview.Runs, preview.ArtifactBytes, preview.SizedRuns, preview.SizeIsPartial), Json.BulkPreviewResponse);
    }

    private static async Task<IResult> Apply(HttpContext context, BulkRunService bulk, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.BulkApplyRequest);
        var action = ParseAction(request.Action);
        var target = action == BulkAction.Move ? TargetExperiment(request.TargetExperimentId) : (ExperimentId?)null;
        var tag = action == BulkAction.Tag ? new KeyValue(Require(request.Tag?.Key, "tag.key"), request.Tag?.Value ?? "") : null;
        if (request.ExpectedCount is < 0)
        {
            throw CairnException.InvalidParameter($"expected_count must not be negative; got {request.ExpectedCount}.");
        }

        var report = await bulk.ApplyAsync(
            new BulkRequest(action, Selection(request.RunIds, request.ExperimentIds, request.Filter, request.RunViewType), tag, target, request.ExpectedCount),
            cancellationToken);
        return MlflowResults.Json(ToDto(report), Json.BulkReportResponse);
    }

    private static async Task<IResult> Undo(HttpContext context, BulkRunService bulk, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.BulkUndoRequest);
        var report = await bulk.UndoAsync(Require(request.UndoToken, "undo_token"), cancellationToken);
        return MlflowResults.Json(ToDto(report), Json.BulkReportResponse);
    }

    /// <summary>Streams the filter result; the request is checked before the first byte, so a bad filter is still a 400.</summary>
    private static async Task<IResult> ExportCsv(HttpContext context, ITrackingStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ExportRunsRequest);
        var filter = Filter(request.ExperimentIds, request.Filter, request.RunViewType);
        var name = $"runs-{string.Join("-", filter.ExperimentIds)}.csv";
        return TypedResults.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
            await RunCsvExport.WriteAsync(store, filter, writer, cancellationToken);
        }, "text/csv; charset=utf-8", name);
    }

    public static BulkSelection Selection(List<string>? runIds, List<string>? experimentIds, string? filter, ViewType? viewType)
    {
        var byIds = runIds is { Count: > 0 };
        var byFilter = experimentIds is { Count: > 0 };
        if (byIds == byFilter)
        {
            throw CairnException.InvalidParameter("Select runs either by run_ids or by experiment_ids (with an optional filter), not both and not neither.");
        }

        if (byIds)
        {
            if (!string.IsNullOrEmpty(filter))
            {
                throw CairnException.InvalidParameter("filter applies to experiment_ids; it cannot narrow run_ids.");
            }

            return BulkSelection.Of([.. runIds!.Select(id => RunId(id)).Distinct()]);
        }

        return BulkSelection.Of(Filter(experimentIds, filter, viewType));
    }

    private static BulkFilter Filter(List<string>? experimentIds, string? filter, ViewType? viewType)
    {
        if (experimentIds is not { Count: > 0 })
        {
            throw CairnException.MissingParameter("experiment_ids");
        }

        var ids = experimentIds.Select(e => Core.Tracking.ExperimentId.TryParse(e, out var id)
            ? id
            : throw CairnException.InvalidParameter($"experiment_ids holds '{e}', which is not an experiment id.")).Distinct().ToList();
        return new BulkFilter(ids, RunSearch.ParseFilter(filter), Defined(viewType, ViewType.ActiveOnly, "run_view_type"));
    }

    private static ExperimentId TargetExperiment(string? text)
    {
        var value = Require(text, "target_experiment_id");
        return Core.Tracking.ExperimentId.TryParse(value, out var id)
            ? id
            : throw CairnException.InvalidParameter($"target_experiment_id '{value}' is not an experiment id.");
    }

    private static BulkAction ParseAction(string? text) =>
        Enum.TryParse<BulkAction>(Require(text, "action"), ignoreCase: true, out var action) && Enum.IsDefined(action) && !char.IsDigit(text![0])
            ? action
            : throw CairnException.InvalidParameter($"Invalid action '{text}'; use one of tag, move, delete, restore, purge.");

    private static BulkReportResponse ToDto(BulkReport report) => new(
        report.Action.ToString().ToLowerInvariant(), report.IsUndo, report.Matched, report.Done, report.Skipped, report.Failed,
        [.. report.Reasons.Select(r => new BulkReasonDto(r.Outcome.ToString().ToLowerInvariant(), r.Reason, r.Count, [.. r.Examples.Select(e => e.Value)]))],
        report.UndoToken, report.UndoUntil?.ToUnixTimeMilliseconds());
}
