using System.Data.Common;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;

namespace Cairn.Storage.Sql;

/// <summary>The tracking store's reads, the same SQL on every database (dialect differences aside).</summary>
internal sealed partial class TrackingReads(ISqlReadSource source)
{
    // The last activity is the experiment row's value or, when higher, its metric activity shards' (PostgreSQL's metric
    // writer raises a shard per run_key % 64 instead of the experiment's row, which every concurrent batch would lock).
    private const string ExperimentColumns = """
        experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, run_count,
        COALESCE((SELECT MAX(a.time) FROM experiment_activity a WHERE a.experiment_id = experiments.experiment_id
            AND (experiments.last_activity_time IS NULL OR a.time > experiments.last_activity_time)), last_activity_time)
        """;

    private SqlDialect Dialect => source.Dialect;

    public Task<Experiment?> GetExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) => (await LoadExperimentsAsync(connection, transaction,
            $"SELECT {ExperimentColumns} FROM experiments WHERE experiment_id = @p0", SqlParameters.Of(id.Value), cancellationToken)).FirstOrDefault(), cancellationToken);

    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) => (await LoadExperimentsAsync(connection, transaction,
            $"SELECT {ExperimentColumns} FROM experiments WHERE name = @p0", SqlParameters.Of(name), cancellationToken)).FirstOrDefault(), cancellationToken);

    public async Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var where = new List<string> { ExperimentSearchSql.ViewTypeCondition("lifecycle_stage", query.ViewType) };
        where.AddRange(query.Filter.Select(term => ExperimentSearchSql.Condition(term, Dialect, parameters)));
        var sql = $"""
            SELECT {ExperimentColumns} FROM experiments
            WHERE {string.Join(" AND ", where)}
            ORDER BY {ExperimentSearchSql.Order(query.OrderBy, Dialect)}
            LIMIT {query.MaxResults + 1} OFFSET {query.Offset}
            """;
        var experiments = await source.ReadAsync((connection, transaction) => LoadExperimentsAsync(connection, transaction, sql, parameters, cancellationToken), cancellationToken);
        return ToPage(experiments, query.MaxResults, query.Offset);
    }

    public Task<Run?> GetRunAsync(RunId id, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var sql = $"SELECT {RunReader.RunColumns} FROM runs r WHERE r.run_uuid = @p0";
            return (await RunReader.LoadAsync(connection, transaction, Dialect, sql, SqlParameters.Of(id.Value), int.MaxValue, cancellationToken)).FirstOrDefault();
        }, cancellationToken);

    /// <summary>Several runs in one read per table, where a page comparing 100 runs would otherwise make 100 reads.</summary>
    public async Task<IReadOnlyList<Run>> GetRunsAsync(IReadOnlyList<RunId> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var parameters = new SqlParameters();
        var sql = $"SELECT {RunReader.RunColumns} FROM runs r WHERE {Dialect.InList("r.run_uuid", Comparator.In, ids.Select(id => id.Value).Distinct(), parameters)}";
        var runs = await source.ReadAsync((connection, transaction) =>
            RunReader.LoadAsync(connection, transaction, Dialect, sql, parameters, int.MaxValue, cancellationToken), cancellationToken);
        var byId = runs.ToDictionary(r => r.Info.RunId.Value, StringComparer.Ordinal);
        return [.. ids.Select(id => byId.GetValueOrDefault(id.Value)).OfType<Run>()];
    }

    public Task<RunInfo?> GetRunInfoAsync(RunId id, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) => (await SqlReads.ListAsync(connection, transaction,
            $"SELECT {RunReader.RunColumns} FROM runs r WHERE r.run_uuid = @p0", SqlParameters.Of(id.Value),
            reader => RunReader.ReadInfo(reader).Info, cancellationToken)).FirstOrDefault(), cancellationToken);

    public async Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        if (query.ExperimentIds.Count == 0)
        {
            return new Page<Run>([], null);
        }

        if (IsMetricOrdered(query, out var term))
        {
            return await SearchByMetricAsync(query, term, cancellationToken);
        }

        var parameters = new SqlParameters();
        var sql = RunSearchSql.Build(query, Dialect, parameters);
        var runs = await source.ReadAsync((connection, transaction) =>
            RunReader.LoadAsync(connection, transaction, Dialect, sql, parameters, query.MaxResults + 1, cancellationToken, query.Parts), cancellationToken);
        return ToPage(runs, query.MaxResults, query.Offset);
    }

    public Task<Page<Metric>> GetMetricHistoryAsync(MetricHistoryQuery query, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var runKey = await RunKeyOfAsync(connection, transaction, query.RunId, cancellationToken) ?? throw StoreErrors.RunNotFound(query.RunId);
            var parameters = new SqlParameters();
            var sql = $"""
                SELECT value, is_nan, timestamp, step FROM {Dialect.MetricPoints()} WHERE run_key = {parameters.Add(runKey)} AND key = {parameters.Add(query.Key)}
                ORDER BY step, timestamp, value LIMIT {query.MaxResults + 1} OFFSET {query.Offset}
                """;
            var points = await SqlReads.ListAsync(connection, transaction, sql, parameters,
                reader => new Metric(query.Key, StoredMetrics.FromStored(reader.GetDouble(0), reader.GetInt64(1)), reader.GetInt64(2), reader.GetInt64(3)),
                cancellationToken);
            return ToPage(points, query.MaxResults, query.Offset);
        }, cancellationToken);

    public Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(BulkIntervalQuery query, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<MetricWithRunId>>(async (connection, transaction) =>
        {
            var runs = new List<(RunId Id, long Key, List<long> Steps)>();
            foreach (var id in query.RunIds.Distinct())
            {
                if (await RunKeyOfAsync(connection, transaction, id, cancellationToken) is not { } runKey)
                {
                    continue;
                }

                var parameters = new SqlParameters();
                var (first, last) = (parameters.Add(query.StartStep ?? long.MinValue), parameters.Add(query.EndStep ?? long.MaxValue));
                var sql = $"""
                    SELECT DISTINCT step FROM {Dialect.MetricPoints(first, last)} WHERE run_key = {parameters.Add(runKey)} AND key = {parameters.Add(query.Key)}
                    AND step BETWEEN {first} AND {last} ORDER BY step
                    """;
                runs.Add((id, runKey, await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => reader.GetInt64(0), cancellationToken)));
            }

            var sampled = StoredMetrics.SampleSteps(runs.Select(r => r.Steps).ToList(), query.MaxResults);
            var result = new List<MetricWithRunId>();
            foreach (var (id, runKey, steps) in runs)
            {
                var wanted = steps.Where(sampled.Contains).ToList();
                if (wanted.Count == 0)
                {
                    continue;
                }

                // The steps come sorted; their range lets PostgreSQL skip the blocks outside it.
                var parameters = new SqlParameters();
                var (first, last) = (parameters.Add(wanted[0]), parameters.Add(wanted[^1]));
                var sql = $"""
                    SELECT value, is_nan, timestamp, step FROM {Dialect.MetricPoints(first, last)}
                    WHERE run_key = {parameters.Add(runKey)} AND key = {parameters.Add(query.Key)} AND step BETWEEN {first} AND {last}
                    AND {Dialect.InIds("step", wanted, parameters)}
                    ORDER BY step, timestamp, value LIMIT {TrackingLimits.MaxBulkPointsPerRun}
                    """;
                result.AddRange(await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => new MetricWithRunId(id,
                    new Metric(query.Key, StoredMetrics.FromStored(reader.GetDouble(0), reader.GetInt64(1)), reader.GetInt64(2), reader.GetInt64(3))),
                    cancellationToken));
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlyList<RunMetricSummary>> GetMetricSummariesAsync(IReadOnlyList<RunId> runIds, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<RunMetricSummary>>(async (connection, transaction) =>
        {
            if (runIds.Count == 0)
            {
                return [];
            }

            var parameters = new SqlParameters();
            var ids = Dialect.InList("r.run_uuid", Comparator.In, runIds.Select(r => r.Value).Distinct(), parameters);
            var sql = $"""
                SELECT r.run_uuid, l.key, l.value, l.is_nan, l.step, l.timestamp, l.min_value, l.max_value, l.value_count
                FROM latest_metrics l JOIN runs r ON r.run_key = l.run_key
                WHERE {ids} ORDER BY r.run_uuid, l.key
                """;
            return await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => new RunMetricSummary(
                new RunId(reader.GetString(0)), reader.GetString(1), StoredMetrics.FromStored(reader.GetDouble(2), reader.GetInt64(3)),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetNullableDouble(6), reader.GetNullableDouble(7), reader.GetInt64(8)), cancellationToken);
        }, cancellationToken);

    public Task VisitMetricHistoryAsync(MetricRangeQuery query, Action<Metric> visit, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var runKey = await RunKeyOfAsync(connection, transaction, query.RunId, cancellationToken) ?? throw StoreErrors.RunNotFound(query.RunId);
            var parameters = new SqlParameters();
            var (first, last) = (parameters.Add(query.StartStep ?? long.MinValue), parameters.Add(query.EndStep ?? long.MaxValue));
            var sql = $"""
                SELECT value, is_nan, timestamp, step FROM {Dialect.MetricPoints(first, last)}
                WHERE run_key = {parameters.Add(runKey)} AND key = {parameters.Add(query.Key)}
                AND step BETWEEN {first} AND {last}
                ORDER BY step, timestamp, value
                """;
            await using var command = SqlReads.Command(connection, transaction, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                visit(new Metric(query.Key, StoredMetrics.FromStored(reader.GetDouble(0), reader.GetInt64(1)), reader.GetInt64(2), reader.GetInt64(3)));
            }

            return true;
        }, cancellationToken);

    public Task<(long First, long Last)?> GetMetricStepRangeAsync(RunId runId, string key, CancellationToken cancellationToken) =>
        source.ReadAsync<(long, long)?>(async (connection, transaction) =>
        {
            var runKey = await RunKeyOfAsync(connection, transaction, runId, cancellationToken) ?? throw StoreErrors.RunNotFound(runId);
            var parameters = new SqlParameters();
            var sql = Dialect.MetricStepRange(parameters.Add(runKey), parameters.Add(key));
            var rows = await SqlReads.ListAsync(connection, transaction, sql, parameters,
                reader => reader.IsDBNull(0) ? ((long, long)?)null : (reader.GetInt64(0), reader.GetInt64(1)), cancellationToken);
            return rows[0];
        }, cancellationToken);

    public Task<IReadOnlyList<MetricStepBucket>> GetMetricBucketsAsync(MetricBucketQuery query, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<MetricStepBucket>>(async (connection, transaction) =>
        {
            var runKey = await RunKeyOfAsync(connection, transaction, query.RunId, cancellationToken) ?? throw StoreErrors.RunNotFound(query.RunId);
            var parameters = new SqlParameters();
            var sql = $"""
                SELECT bucket, point_count, value_count, min_value, min_step, min_time, max_value, max_step, max_time,
                    first_value, first_step, first_time, last_value, last_step, last_time
                FROM metric_buckets
                WHERE run_key = {parameters.Add(runKey)} AND key = {parameters.Add(query.Key)} AND shift = {parameters.Add((long)query.Shift)}
                AND bucket BETWEEN {parameters.Add(query.FirstBucket)} AND {parameters.Add(query.LastBucket)}
                ORDER BY bucket
                """;
            return await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => new MetricStepBucket(query.Key, query.Shift,
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2),
                PointAt(reader, 3), PointAt(reader, 6), PointAt(reader, 9), PointAt(reader, 12)), cancellationToken);
        }, cancellationToken);

    /// <summary>A (value, step, time) column triple, null when the cell holds only NaN points.</summary>
    private static StepPoint? PointAt(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new StepPoint(reader.GetInt64(ordinal + 1), reader.GetInt64(ordinal + 2), reader.GetDouble(ordinal));

    public Task<IReadOnlyList<string>> GetRunKeysAsync(ExperimentId experiment, FilterEntity kind, string prefix, int limit, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<string>>(async (connection, transaction) =>
        {
            var parameters = new SqlParameters();

            // A prefix is a key range (no LIKE pattern to escape); U+FFFF sorts after any character a key can hold.
            var sql = $"""
                SELECT key FROM run_keys
                WHERE experiment_id = {parameters.Add(experiment.Value)} AND kind = {parameters.Add(RunKeys.Kind(kind))}
                AND key >= {parameters.Add(prefix)} AND key < {parameters.Add(prefix + '\uffff')}
                ORDER BY key LIMIT {Math.Clamp(limit, 1, 5_000)}
                """;
            return await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => reader.GetString(0), cancellationToken);
        }, cancellationToken);

    internal static Page<T> ToPage<T>(List<T> items, int maxResults, long offset)
    {
        string? token = null;
        if (items.Count > maxResults)
        {
            items.RemoveAt(items.Count - 1);
            token = PageToken.Encode(offset + maxResults);
        }

        return new Page<T>(items, token);
    }

    private static async Task<long?> RunKeyOfAsync(DbConnection connection, DbTransaction transaction, RunId id, CancellationToken cancellationToken) =>
        await SqlReads.ScalarAsync(connection, transaction, "SELECT run_key FROM runs WHERE run_uuid = @p0", SqlParameters.Of(id.Value), cancellationToken) as long?;

    private async Task<List<Experiment>> LoadExperimentsAsync(DbConnection connection, DbTransaction transaction, string sql, SqlParameters parameters,
        CancellationToken cancellationToken)
    {
        var rows = await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => new Experiment(new ExperimentId(reader.GetInt64(0)),
            reader.GetString(1), reader.GetString(2), reader.GetString(3) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted,
            reader.GetInt64(4), reader.GetInt64(5), [])
        {
            RunCount = reader.GetInt64(6),
            LastActivityTime = reader.GetNullableInt64(7),
        }, cancellationToken);
        if (rows.Count == 0)
        {
            return rows;
        }

        var tags = new Dictionary<long, List<KeyValue>>();
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, "SELECT experiment_id, key, value FROM experiment_tags", "experiment_id",
            rows.Select(r => r.Id.Value), "experiment_id, key",
            reader => tags.AddTo(reader.GetInt64(0), new KeyValue(reader.GetString(1), reader.GetString(2))), cancellationToken);
        return rows.Select(r => tags.TryGetValue(r.Id.Value, out var list) ? r with { Tags = list } : r).ToList();
    }
}
