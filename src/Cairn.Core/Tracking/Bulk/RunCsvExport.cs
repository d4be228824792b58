using System.Globalization;
using Cairn.Core.Search;

namespace Cairn.Core.Tracking.Bulk;

/// <summary>
/// A whole filter result as CSV (RFC 4180): one row per run with its attributes, params, latest metric values and tags.
/// Runs are read page by page by key and written as they come, so memory stays bounded for any result size. The
/// columns come from the experiments' key catalogue, known before the first row.
/// </summary>
public static class RunCsvExport
{
    public const int PageSize = 500;

    /// <summary>The most keys of each kind (params, metrics, tags) per experiment that become columns.</summary>
    public const int MaxKeysPerKind = 5_000;

    private static readonly string[] InfoColumns = ["run_id", "run_name", "experiment_id", "status", "user_id", "start_time", "end_time", "lifecycle_stage", "artifact_uri"];

    public static async Task WriteAsync(ITrackingStore store, BulkFilter filter, TextWriter output, CancellationToken cancellationToken)
    {
        var kinds = new[] { (FilterEntity.Param, "params."), (FilterEntity.Metric, "metrics."), (FilterEntity.Tag, "tags.") };
        var keys = new List<string[]>();
        foreach (var (kind, _) in kinds)
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var experiment in filter.ExperimentIds)
            {
                set.UnionWith(await store.GetRunKeysAsync(experiment, kind, "", MaxKeysPerKind, cancellationToken));
            }

            keys.Add([.. set]);
        }

        var header = InfoColumns.Concat(kinds.SelectMany((k, i) => keys[i].Select(key => k.Item2 + key)));
        await WriteRowAsync(output, header);

        var query = new RunQuery(filter.ExperimentIds, filter.Filter, [], filter.ViewType, PageSize, 0);
        string? after = null;
        do
        {
            var page = await store.SearchRunsByKeyAsync(query, after, cancellationToken);
            foreach (var run in page.Items)
            {
                await WriteRowAsync(output, Cells(run, keys[0], keys[1], keys[2]));
            }

            await output.FlushAsync(cancellationToken);
            after = page.NextPageToken;
        }
        while (after is not null);
    }

    private static IEnumerable<string> Cells(Run run, string[] paramKeys, string[] metricKeys, string[] tagKeys)
    {
        var info = run.Info;
        var parameters = run.Data.Params.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in run.Data.Metrics)
        {
            metrics[metric.Key] = metric.Value;
        }

        var tags = run.Data.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        return new[]
            {
                info.RunId.Value, info.RunName, info.ExperimentId.ToString(), info.Status.WireName(), info.UserId ?? "",
                Time(info.StartTime), Time(info.EndTime), info.LifecycleStage.WireName(), info.ArtifactUri,
            }
            .Concat(paramKeys.Select(k => parameters.GetValueOrDefault(k, "")))
            .Concat(metricKeys.Select(k => metrics.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""))
            .Concat(tagKeys.Select(k => tags.GetValueOrDefault(k, "")));
    }

    private static string Time(long? epochMs) =>
        epochMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "";

    private static async Task WriteRowAsync(TextWriter output, IEnumerable<string> cells)
    {
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                await output.WriteAsync(',');
            }

            await output.WriteAsync(Quote(cell));
            first = false;
        }

        await output.WriteAsync("\r\n");
    }

    /// <summary>A field is quoted when it holds a comma, quote or line break (or edge spaces), with quotes doubled.</summary>
    public static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (cell.Length > 0 && (cell[0] == ' ' || cell[^1] == ' '))
            ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : cell;
}
