using System.Data.Common;
using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// Runs paged by key for the web UI's runs table. A sort by one metric's latest value in one experiment reads the
/// <c>latest_metrics_sorted</c> index in order (see TrackingReads.MetricOrder.cs), so the first and every later page
/// cost the same whatever the number of runs; the default order walks <c>runs_by_experiment</c>.
/// </summary>
internal sealed partial class TrackingReads
{
    public async Task<Page<Run>> SearchRunsByKeyAsync(RunQuery query, string? after, CancellationToken cancellationToken)
    {
        if (query.ExperimentIds.Count == 0)
        {
            return new Page<Run>([], null);
        }

        if (IsMetricOrdered(query, out var term))
        {
            return await ByMetricAsync(query, term, RunCursor.Decode(after, RunCursor.Metric), cancellationToken);
        }

        if (query.OrderBy.Count == 0)
        {
            return await ByStartAsync(query, RunCursor.Decode(after, RunCursor.Started), cancellationToken);
        }

        var offset = RunCursor.Decode(after, RunCursor.Offsets)?.Offset ?? 0;
        var page = await SearchRunsAsync(query with { Offset = offset }, cancellationToken);
        return new Page<Run>(page.Items, page.NextPageToken is null ? null : RunCursor.ForOffset(offset + query.MaxResults).Encode());
    }

    private Task<Page<Run>> ByMetricAsync(RunQuery query, OrderTerm term, RunCursor? cursor, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var rows = await MetricOrderedAsync(connection, transaction, query, term, cursor, query.MaxResults + 1, MetricTies.ByRunKey, cancellationToken);
            var runs = await LoadInOrderAsync(connection, transaction, rows.Take(query.MaxResults).Select(r => (r.RunKey, r.RunUuid)).ToList(), cancellationToken, query.Parts);
            var last = rows.Count > query.MaxResults ? rows[query.MaxResults - 1] : default;
            var next = last.Phase == 2 ? RunCursor.ForMissingMetric(last.StartTime, last.RunUuid) : RunCursor.ForMetric(last.Phase, last.Value, last.RunKey);
            return new Page<Run>(runs, rows.Count > query.MaxResults ? next.Encode() : null);
        }, cancellationToken);

    /// <summary>
    /// A page in the default order: start time descending with runs that never started last, then run id. After a
    /// cursor with a start time, the started runs before it come first and the never-started ones only when the page is
    /// not full yet; each stretch is a range of <c>runs_by_experiment</c> read in order, so a page costs the same at any
    /// depth (one condition with an OR would make the index walk from the start and filter).
    /// </summary>
    private Task<Page<Run>> ByStartAsync(RunQuery query, RunCursor? cursor, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var take = query.MaxResults + 1;
            var neverStarted = cursor is not null && cursor.StartTime is null;
            var runs = await StretchAsync(cursor, neverStarted, take);
            if (cursor?.StartTime is not null && runs.Count < take)
            {
                runs.AddRange(await StretchAsync(cursor, true, take - runs.Count));
            }

            if (runs.Count <= query.MaxResults)
            {
                return new Page<Run>(runs, null);
            }

            runs.RemoveAt(runs.Count - 1);
            var last = runs[^1].Info;
            return new Page<Run>(runs, RunCursor.ForStart(last.StartTime, last.RunId.Value).Encode());

            Task<List<Run>> StretchAsync(RunCursor? from, bool neverStartedRuns, int limit)
            {
                var parameters = new SqlParameters();
                var sql = DefaultOrderSql(Dialect, query, from, neverStartedRuns, limit, parameters);
                return RunReader.LoadAsync(connection, transaction, Dialect, sql, parameters, limit, cancellationToken, query.Parts);
            }
        }, cancellationToken);

    /// <summary>
    /// One stretch of the default order after <paramref name="cursor"/>: the first page (no cursor), the started runs
    /// before a cursor with a start time, or the never-started runs (after the cursor's run id when it is one of them).
    /// </summary>
    internal static string DefaultOrderSql(SqlDialect dialect, RunQuery query, RunCursor? cursor, bool neverStarted, int take, SqlParameters parameters)
    {
        var where = new List<string>
        {
            dialect.InIds("r.experiment_id", query.ExperimentIds.Select(e => e.Value), parameters),
            ExperimentSearchSql.ViewTypeCondition("r.lifecycle_stage", query.ViewType),
        };
        where.AddRange(query.Filter.Select(f => RunSearchSql.Condition(f, dialect, parameters)));
        if (neverStarted)
        {
            where.Add("r.start_time IS NULL");
            if (cursor is { StartTime: null })
            {
                where.Add($"r.run_uuid > {parameters.Add(cursor.RunUuid ?? "")}");
            }
        }
        else if (cursor?.StartTime is { } start)
        {
            var time = parameters.Add(start);
            where.Add($"r.start_time <= {time} AND (r.start_time < {time} OR r.run_uuid > {parameters.Add(cursor.RunUuid ?? "")})");
        }

        return $"""
            SELECT {RunReader.RunColumns} FROM runs r WHERE {string.Join(" AND ", where)}
            ORDER BY r.start_time {dialect.Direction(false)}, r.run_uuid ASC LIMIT {take}
            """;
    }

    /// <summary>After the cursor in the default order, as one condition (for the metric sort's stretch of runs without the metric).</summary>
    private static string StartedAfter(RunCursor cursor, SqlParameters parameters)
    {
        var uuid = parameters.Add(cursor.RunUuid ?? "");
        return cursor.StartTime is { } start
            ? $"(r.start_time < {parameters.Add(start)} OR r.start_time IS NULL OR (r.start_time = {parameters.Add(start)} AND r.run_uuid > {uuid}))"
            : $"(r.start_time IS NULL AND r.run_uuid > {uuid})";
    }

    /// <summary>The runs with these keys, with all their data, in the order given.</summary>
    private async Task<List<Run>> LoadInOrderAsync(DbConnection connection, DbTransaction transaction, List<(long RunKey, string RunUuid)> keys,
        CancellationToken cancellationToken, RunParts parts = RunParts.All)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var parameters = new SqlParameters();
        var sql = $"SELECT {RunReader.RunColumns} FROM runs r WHERE {Dialect.InIds("r.run_key", keys.Select(k => k.RunKey), parameters)}";
        var byId = (await RunReader.LoadAsync(connection, transaction, Dialect, sql, parameters, int.MaxValue, cancellationToken, parts))
            .ToDictionary(r => r.Info.RunId.Value, StringComparer.Ordinal);
        return [.. keys.Select(k => byId.GetValueOrDefault(k.RunUuid)).OfType<Run>()];
    }
}
