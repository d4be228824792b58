using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    public Task<Page<Metric>> GetMetricHistoryAsync(MetricHistoryQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            var runKey = RunKeyOf(connection, transaction, query.RunId) ?? throw RunNotFound(query.RunId);
            var points = new List<Metric>();
            using var command = SqliteReads.CreateCommand(connection, transaction, """
                SELECT value, is_nan, timestamp, step FROM metrics WHERE run_key = $run AND key = $key
                ORDER BY step, timestamp, value LIMIT $limit OFFSET $offset
                """);
            command.Parameters.AddWithValue("$run", runKey);
            command.Parameters.AddWithValue("$key", query.Key);
            command.Parameters.AddWithValue("$limit", (long)query.MaxResults + 1);
            command.Parameters.AddWithValue("$offset", query.Offset);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                points.Add(new Metric(query.Key, FromStored(reader.GetDouble(0), reader.GetInt64(1)), reader.GetInt64(2), reader.GetInt64(3)));
            }

            string? token = null;
            if (points.Count > query.MaxResults)
            {
                points.RemoveAt(points.Count - 1);
                token = PageToken.Encode(query.Offset + query.MaxResults);
            }

            return new Page<Metric>(points, token);
        }));

    public Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(BulkIntervalQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MetricWithRunId>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            var runs = new List<(RunId Id, long Key, List<long> Steps)>();
            foreach (var id in query.RunIds.Distinct())
            {
                var runKey = RunKeyOf(connection, transaction, id);
                if (runKey is null)
                {
                    continue;
                }

                using var command = SqliteReads.CreateCommand(connection, transaction, """
                    SELECT DISTINCT step FROM metrics WHERE run_key = $run AND key = $key AND step BETWEEN $start AND $end ORDER BY step
                    """);
                command.Parameters.AddWithValue("$run", runKey.Value);
                command.Parameters.AddWithValue("$key", query.Key);
                command.Parameters.AddWithValue("$start", query.StartStep ?? long.MinValue);
                command.Parameters.AddWithValue("$end", query.EndStep ?? long.MaxValue);
                runs.Add((id, runKey.Value, ReadLongs(command)));
            }

            var sampled = SampleSteps(runs.Select(r => r.Steps).ToList(), query.MaxResults);
            var result = new List<MetricWithRunId>();
            foreach (var (id, runKey, steps) in runs)
            {
                var wanted = steps.Where(sampled.Contains).ToList();
                if (wanted.Count == 0)
                {
                    continue;
                }

                using var command = SqliteReads.CreateCommand(connection, transaction, """
                    SELECT value, is_nan, timestamp, step FROM metrics
                    WHERE run_key = $run AND key = $key AND step IN (SELECT value FROM json_each($steps))
                    ORDER BY step, timestamp, value LIMIT $limit
                    """);
                command.Parameters.AddWithValue("$run", runKey);
                command.Parameters.AddWithValue("$key", query.Key);
                command.Parameters.AddWithValue("$steps", SqliteReads.JsonIdList(wanted));
                command.Parameters.AddWithValue("$limit", TrackingLimits.MaxBulkPointsPerRun);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    result.Add(new MetricWithRunId(id, new Metric(query.Key, FromStored(reader.GetDouble(0), reader.GetInt64(1)), reader.GetInt64(2), reader.GetInt64(3))));
                }
            }

            return result;
        }));

    /// <summary>All steps when they fit; otherwise evenly spaced steps plus each run's first and last step.</summary>
    internal static HashSet<long> SampleSteps(IReadOnlyList<List<long>> stepsPerRun, int maxResults)
    {
        var all = stepsPerRun.SelectMany(s => s).Distinct().Order().ToList();
        if (all.Count <= maxResults)
        {
            return [.. all];
        }

        var sampled = new HashSet<long>();
        var interval = (double)(all.Count - 1) / Math.Max(1, maxResults - 1);
        for (var i = 0; i < maxResults; i++)
        {
            sampled.Add(all[(int)Math.Round(i * interval)]);
        }

        foreach (var steps in stepsPerRun.Where(s => s.Count > 0))
        {
            sampled.Add(steps[0]);
            sampled.Add(steps[^1]);
        }

        return sampled;
    }

    private static long? RunKeyOf(SqliteConnection connection, SqliteTransaction transaction, RunId id)
    {
        using var command = SqliteReads.CreateCommand(connection, transaction, "SELECT run_key FROM runs WHERE run_uuid = $id");
        command.Parameters.AddWithValue("$id", id.Value);
        return command.ExecuteScalar() as long?;
    }

    private static List<long> ReadLongs(SqliteCommand command)
    {
        var values = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }
}
