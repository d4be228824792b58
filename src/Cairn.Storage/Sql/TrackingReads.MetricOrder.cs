using System.Data.Common;
using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// Runs of one experiment sorted by one metric's latest value, read in the order of the <c>latest_metrics_sorted</c>
/// index and stopped after the rows asked for, so the cost follows the page, not the number of runs. The sort has
/// three stretches: real values in the asked direction, then NaN, then the runs without the metric (in the default
/// order). Both the MLflow search (pages by offset, ties by start time then run id) and the runs table's paging by
/// key (ties by run key) read through here.
/// </summary>
internal sealed partial class TrackingReads
{
    /// <summary>How rows with the same metric value are ordered.</summary>
    private enum MetricTies
    {
        /// <summary>By run key, so a page can end at a (value, run key) cursor.</summary>
        ByRunKey,

        /// <summary>By start time descending, then run id: the order of the ordinary search.</summary>
        ByStartTime,
    }

    private readonly record struct MetricOrderedRow(long RunKey, string RunUuid, int Phase, double Value, long? StartTime);

    /// <summary>Whether a search is one the sorted index serves: one experiment, ordered by one metric's latest value.</summary>
    private static bool IsMetricOrdered(RunQuery query, out OrderTerm term)
    {
        term = query.OrderBy.Count == 1 ? query.OrderBy[0] : null!;
        return query.ExperimentIds.Count == 1 && term is { Entity: FilterEntity.Metric, Aggregate: MetricAggregate.Last };
    }

    /// <summary>The MLflow search ordered by one metric: the first offset + max_results + 1 keys, then that page's runs.</summary>
    private Task<Page<Run>> SearchByMetricAsync(RunQuery query, OrderTerm term, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var wanted = (int)Math.Min(int.MaxValue, query.Offset + query.MaxResults + 1);
            var rows = await MetricOrderedAsync(connection, transaction, query, term, null, wanted, MetricTies.ByStartTime, cancellationToken);
            var page = rows.Skip((int)Math.Min(query.Offset, rows.Count)).Select(r => (r.RunKey, r.RunUuid)).ToList();
            return ToPage(await LoadInOrderAsync(connection, transaction, page, cancellationToken, query.Parts), query.MaxResults, query.Offset);
        }, cancellationToken);

    /// <summary>Up to <paramref name="wanted"/> rows in metric order, from the stretch the cursor names on (or the start).</summary>
    private async Task<List<MetricOrderedRow>> MetricOrderedAsync(DbConnection connection, DbTransaction transaction, RunQuery query, OrderTerm term,
        RunCursor? cursor, int wanted, MetricTies ties, CancellationToken cancellationToken)
    {
        var rows = new List<MetricOrderedRow>();
        for (var phase = cursor?.Phase ?? 0; phase <= 2 && rows.Count < wanted; phase++)
        {
            var stretch = phase;
            var from = cursor is not null && cursor.Phase == phase ? cursor : null;
            var parameters = new SqlParameters();
            var sql = MetricPhaseSql(query, term, phase, from, wanted - rows.Count, ties, parameters);
            rows.AddRange(await SqlReads.ListAsync(connection, transaction, sql, parameters,
                reader => new MetricOrderedRow(reader.GetInt64(0), reader.GetString(1), stretch, reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetInt64(3)),
                cancellationToken));
        }

        return rows;
    }

    /// <summary>One stretch of a metric sort: 0 real values in the asked direction, 1 NaN, 2 runs without the metric.</summary>
    private string MetricPhaseSql(RunQuery query, OrderTerm term, int phase, RunCursor? from, int limit, MetricTies ties, SqlParameters parameters)
    {
        var experiment = parameters.Add(query.ExperimentIds[0].Value);
        var key = parameters.Add(term.Key);
        // The value stretches name the experiment on the summary rows only, so the planner walks the sorted index.
        var where = new List<string> { ExperimentSearchSql.ViewTypeCondition("r.lifecycle_stage", query.ViewType) };
        where.AddRange(query.Filter.Select(f => RunSearchSql.Condition(f, Dialect, parameters)));
        var take = limit.ToString(CultureInfo.InvariantCulture);
        if (phase == 2)
        {
            // Runs without the metric follow the default order (start time descending, then run id), on runs_by_experiment.
            where.Add("r.experiment_id = " + experiment);
            where.Add($"NOT EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_key = r.run_key AND m.key = {key})");
            if (from is not null)
            {
                where.Add(StartedAfter(from, parameters));
            }

            return $"""
                SELECT r.run_key, r.run_uuid, 0.0, r.start_time FROM runs r WHERE {string.Join(" AND ", where)}
                ORDER BY r.start_time {Dialect.Direction(false)}, r.run_uuid ASC LIMIT {take}
                """;
        }

        where.Add($"l.experiment_id = {experiment} AND l.key = {key} AND l.is_nan = {phase}");

        // Plain ASC/DESC, not the dialect's NULLS FIRST/LAST: value and run_key are never null, and PostgreSQL reads an
        // index in order only when the NULLS placement of the ORDER BY is the index's own.
        var direction = phase == 0 && !term.Ascending ? "DESC" : "ASC";
        if (from is not null)
        {
            var after = direction == "DESC" ? "<" : ">";
            where.Add($"(l.value, l.run_key) {after} ({parameters.Add(from.Value)}, {parameters.Add(from.RunKey)})");
        }

        // Ties by start time are sorted among themselves after the index read (PostgreSQL's incremental sort), still
        // stopping after the rows asked for.
        var tieOrder = ties == MetricTies.ByRunKey ? $"l.run_key {direction}" : $"r.start_time {Dialect.Direction(false)}, r.run_uuid ASC";
        return $"""
            SELECT l.run_key, r.run_uuid, l.value, r.start_time FROM latest_metrics l JOIN runs r ON r.run_key = l.run_key
            WHERE {string.Join(" AND ", where)}
            ORDER BY l.value {direction}, {tieOrder} LIMIT {take}
            """;
    }
}
