using System.Data.Common;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// Metric reads for many runs at once (the compare page's 100 runs): the queries travel as one parameter table
/// (<see cref="SqlDialect.Rows"/>) joined to the points or the pyramid, so 100 runs cost one statement, not 100 reads.
/// </summary>
internal sealed partial class TrackingReads
{
    public Task VisitMetricHistoriesAsync(IReadOnlyList<MetricRangeQuery> queries, Action<int, Metric> visit, CancellationToken cancellationToken)
    {
        if (queries.Count == 0)
        {
            return Task.CompletedTask;
        }

        return source.ReadAsync(async (connection, transaction) =>
        {
            var runKeys = await RunKeysOfAsync(connection, transaction, queries.Select(q => q.RunId), cancellationToken);
            var parameters = new SqlParameters();
            var table = Dialect.Rows("q", parameters,
                ("run_key", queries.Select(q => runKeys[q.RunId.Value]).ToArray()),
                ("key", queries.Select(q => q.Key).ToArray()),
                ("lo", queries.Select(q => q.StartStep ?? long.MinValue).ToArray()),
                ("hi", queries.Select(q => q.EndStep ?? long.MaxValue).ToArray()));
            var sql = $"""
                SELECT q.i, metrics.value, metrics.is_nan, metrics.timestamp, metrics.step FROM {table}
                JOIN {Dialect.MetricPoints()} ON metrics.run_key = q.run_key AND metrics.key = q.key AND metrics.step BETWEEN q.lo AND q.hi
                ORDER BY q.i, metrics.step, metrics.timestamp, metrics.value
                """;
            await using var command = SqlReads.Command(connection, transaction, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = (int)reader.GetInt64(0);
                visit(index, new Metric(queries[index].Key, StoredMetrics.FromStored(reader.GetDouble(1), reader.GetInt64(2)), reader.GetInt64(3), reader.GetInt64(4)));
            }

            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<IReadOnlyList<MetricStepBucket>>> GetMetricBucketsAsync(IReadOnlyList<MetricBucketQuery> queries, CancellationToken cancellationToken)
    {
        if (queries.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<IReadOnlyList<MetricStepBucket>>>([]);
        }

        return source.ReadAsync<IReadOnlyList<IReadOnlyList<MetricStepBucket>>>(async (connection, transaction) =>
        {
            var runKeys = await RunKeysOfAsync(connection, transaction, queries.Select(q => q.RunId), cancellationToken);
            var parameters = new SqlParameters();
            var table = Dialect.Rows("q", parameters,
                ("run_key", queries.Select(q => runKeys[q.RunId.Value]).ToArray()),
                ("key", queries.Select(q => q.Key).ToArray()),
                ("shift", queries.Select(q => (long)q.Shift).ToArray()),
                ("lo", queries.Select(q => q.FirstBucket).ToArray()),
                ("hi", queries.Select(q => q.LastBucket).ToArray()));
            var sql = $"""
                SELECT q.i, b.bucket, b.point_count, b.value_count, b.min_value, b.min_step, b.min_time, b.max_value, b.max_step, b.max_time,
                    b.first_value, b.first_step, b.first_time, b.last_value, b.last_step, b.last_time
                FROM {table}
                JOIN metric_buckets b ON b.run_key = q.run_key AND b.key = q.key AND b.shift = q.shift AND b.bucket BETWEEN q.lo AND q.hi
                ORDER BY q.i, b.bucket
                """;
            var cells = queries.Select(_ => new List<MetricStepBucket>()).ToArray();
            await using var command = SqlReads.Command(connection, transaction, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = (int)reader.GetInt64(0);
                var query = queries[index];
                cells[index].Add(new MetricStepBucket(query.Key, query.Shift, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                    PointAt(reader, 4), PointAt(reader, 7), PointAt(reader, 10), PointAt(reader, 13)));
            }

            return cells;
        }, cancellationToken);
    }

    /// <summary>The run key of each run id; a run that does not exist fails the read as the single-run reads do.</summary>
    private async Task<Dictionary<string, long>> RunKeysOfAsync(DbConnection connection, DbTransaction transaction, IEnumerable<RunId> ids,
        CancellationToken cancellationToken)
    {
        var wanted = ids.Select(id => id.Value).Distinct(StringComparer.Ordinal).ToList();
        var parameters = new SqlParameters();
        var rows = await SqlReads.ListAsync(connection, transaction,
            $"SELECT run_uuid, run_key FROM runs WHERE {Dialect.InList("run_uuid", Comparator.In, wanted, parameters)}", parameters,
            reader => (Id: reader.GetString(0), Key: reader.GetInt64(1)), cancellationToken);
        var keys = rows.ToDictionary(r => r.Id, r => r.Key, StringComparer.Ordinal);
        return wanted.FirstOrDefault(id => !keys.ContainsKey(id)) is { } missing ? throw StoreErrors.RunNotFound(new RunId(missing)) : keys;
    }
}
