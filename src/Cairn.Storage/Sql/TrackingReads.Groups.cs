using System.Data.Common;
using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>The runs table grouped by a param or tag: one GROUP BY over the runs, the metrics read from their summaries.</summary>
internal sealed partial class TrackingReads
{
    public Task<IReadOnlyList<RunGroup>> GroupRunsAsync(RunGroupQuery query, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<RunGroup>>(async (connection, transaction) =>
        {
            var parameters = new SqlParameters();
            var table = query.Kind == FilterEntity.Tag ? "tags" : "params";
            var joins = new List<string> { $"LEFT JOIN {table} g ON g.run_key = r.run_key AND g.key = {parameters.Add(query.Key)}" };
            var columns = new List<string> { "g.value", "COUNT(*)" };
            for (var i = 0; i < query.Metrics.Count; i++)
            {
                var (key, aggregate) = query.Metrics[i];
                var alias = "m" + i.ToString(CultureInfo.InvariantCulture);
                joins.Add($"LEFT JOIN latest_metrics {alias} ON {alias}.run_key = r.run_key AND {alias}.key = {parameters.Add(key)}");
                var value = aggregate switch
                {
                    MetricAggregate.Min => $"{alias}.min_value",
                    MetricAggregate.Max => $"{alias}.max_value",
                    MetricAggregate.Count => $"CAST({alias}.value_count AS DOUBLE PRECISION)",
                    _ => $"CASE WHEN {alias}.is_nan = 0 THEN {alias}.value END",
                };
                columns.AddRange([$"AVG({value})", $"MIN({value})", $"MAX({value})", $"COUNT({value})"]);
            }

            var where = new List<string>
            {
                "r.experiment_id = " + parameters.Add(query.ExperimentId.Value),
                "r.lifecycle_stage = 'active'",
            };
            where.AddRange(query.Filter.Select(f => RunSearchSql.Condition(f, Dialect, parameters)));
            var sql = $"""
                SELECT {string.Join(", ", columns)} FROM runs r
                {string.Join("\n", joins)}
                WHERE {string.Join(" AND ", where)}
                GROUP BY g.value
                ORDER BY COUNT(*) DESC, g.value
                LIMIT {query.MaxGroups.ToString(CultureInfo.InvariantCulture)}
                """;
            return await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => ReadGroup(reader, query.Metrics.Count), cancellationToken);
        }, cancellationToken);

    private static RunGroup ReadGroup(DbDataReader reader, int metricCount)
    {
        double? Number(int i) => reader.IsDBNull(i) ? null : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);
        var metrics = new List<MetricGroupStats>(metricCount);
        for (var i = 0; i < metricCount; i++)
        {
            var at = 2 + i * 4;
            metrics.Add(new MetricGroupStats(Number(at), Number(at + 1), Number(at + 2), Convert.ToInt64(reader.GetValue(at + 3), CultureInfo.InvariantCulture)));
        }

        return new RunGroup(reader.IsDBNull(0) ? null : reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), metrics);
    }
}
