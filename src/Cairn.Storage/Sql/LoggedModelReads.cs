using System.Data.Common;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>MLflow 3 logged models and run outputs: the reads, the same SQL on every database.</summary>
internal sealed class LoggedModelReads(ISqlReadSource source)
{
    private const string Columns = """
        lm.model_key, lm.model_id, lm.experiment_id, lm.name, lm.model_type, lm.source_run_id, lm.status, lm.status_message,
        lm.creation_timestamp_ms, lm.last_updated_timestamp_ms, lm.artifact_uri, lm.lifecycle_stage
        """;

    private SqlDialect Dialect => source.Dialect;

    public Task<LoggedModel?> GetLoggedModelAsync(string modelId, bool allowDeleted, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var sql = $"SELECT {Columns} FROM logged_models lm WHERE lm.model_id = @p0" + (allowDeleted ? "" : " AND lm.lifecycle_stage = 'active'");
            return (await LoadAsync(connection, transaction, sql, SqlParameters.Of(modelId), cancellationToken)).FirstOrDefault();
        }, cancellationToken);

    public async Task<Page<LoggedModel>> SearchLoggedModelsAsync(LoggedModelQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var where = new List<string> { "lm.lifecycle_stage = 'active'", Dialect.InIds("lm.experiment_id", query.ExperimentIds.Select(e => e.Value), parameters) };
        where.AddRange(query.Filter.Select(term => term.Entity == FilterEntity.Metric ? MetricCondition(term, query.Datasets, parameters) : Condition(term, parameters)));
        var sql = $"SELECT {Columns} FROM logged_models lm WHERE {string.Join(" AND ", where)} ORDER BY {Order(query.OrderBy, parameters)} LIMIT {query.MaxResults + 1} OFFSET {query.Offset}";
        var models = await source.ReadAsync((connection, transaction) => LoadAsync(connection, transaction, sql, parameters, cancellationToken), cancellationToken);
        return TrackingReads.ToPage(models, query.MaxResults, query.Offset);
    }

    public Task<IReadOnlyList<ModelOutput>> GetOutputsAsync(RunId runId, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<ModelOutput>>(async (connection, transaction) => await SqlReads.ListAsync(connection, transaction, """
            SELECT lm.model_id, o.step FROM run_outputs o JOIN runs r ON r.run_key = o.run_key JOIN logged_models lm ON lm.model_key = o.model_key
            WHERE r.run_uuid = @p0 ORDER BY lm.model_id
            """, SqlParameters.Of(runId.Value), reader => new ModelOutput(reader.GetString(0), reader.GetInt64(1)), cancellationToken), cancellationToken);

    /// <summary>The model has a (non-NaN) value of the metric that compares true, computed on one of the datasets when any are given.</summary>
    private static string MetricCondition(Comparison term, IReadOnlyList<DatasetRef> datasets, SqlParameters parameters) =>
        $"EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_key = lm.model_key AND x.key = {parameters.Add(term.Key)} AND x.is_nan = 0 "
        + $"AND {SqlDialect.NumberCompare("x.value", term.Op, ((NumberValue)term.Value).Value, parameters)}{DatasetCondition(datasets, parameters)})";

    private static string DatasetCondition(IReadOnlyList<DatasetRef> datasets, SqlParameters parameters) =>
        datasets.Count == 0 ? "" : " AND (" + string.Join(" OR ", datasets.Select(d => d.Digest is null
            ? $"x.dataset_name = {parameters.Add(d.Name)}"
            : $"(x.dataset_name = {parameters.Add(d.Name)} AND x.dataset_digest = {parameters.Add(d.Digest)})")) + ")";

    /// <summary>A metric orders by its value at the model's latest step; models without it come last either way.</summary>
    private string Order(IReadOnlyList<LoggedModelOrder> orderBy, SqlParameters parameters)
    {
        if (orderBy.Count == 0)
        {
            return "lm.creation_timestamp_ms DESC, lm.model_id";
        }

        var terms = new List<string>();
        foreach (var term in orderBy)
        {
            if (term.Metric is null)
            {
                terms.Add($"lm.{term.Column} {Dialect.Direction(term.Ascending)}");
                continue;
            }

            var dataset = term.Dataset is null ? "" : DatasetCondition([term.Dataset], parameters);
            var latest = $"(SELECT x.value FROM logged_model_metrics x WHERE x.model_key = lm.model_key AND x.key = {parameters.Add(term.Metric)} "
                + $"AND x.is_nan = 0{dataset} ORDER BY x.step DESC, x.timestamp DESC LIMIT 1)";
            terms.Add($"CASE WHEN {latest} IS NULL THEN 1 ELSE 0 END, {latest} {(term.Ascending ? "ASC" : "DESC")}");
        }

        return string.Join(", ", terms) + ", lm.model_id";
    }

    private string Condition(Comparison term, SqlParameters parameters)
    {
        if (term.Entity is FilterEntity.Param or FilterEntity.Tag)
        {
            var table = term.Entity == FilterEntity.Param ? "logged_model_params" : "logged_model_tags";
            return $"EXISTS (SELECT 1 FROM {table} x WHERE x.model_key = lm.model_key AND x.key = {parameters.Add(term.Key)} AND {Dialect.Compare("x.value", term.Op, ((StringValue)term.Value).Value, parameters)})";
        }

        var column = term.Key == "status" ? "(CASE lm.status WHEN 1 THEN 'LOGGED_MODEL_PENDING' WHEN 2 THEN 'LOGGED_MODEL_READY' WHEN 3 THEN 'LOGGED_MODEL_UPLOAD_FAILED' ELSE 'LOGGED_MODEL_STATUS_UNSPECIFIED' END)" : "lm." + term.Key;
        return term.Value switch
        {
            NumberValue number => SqlDialect.NumberCompare(column, term.Op, number.Value, parameters),
            ListValue list => Dialect.InList(column, term.Op, list.Values, parameters),
            StringValue text => Dialect.Compare(column, term.Op, text.Value, parameters),
            _ => throw new InvalidOperationException("Unknown filter value."),
        };
    }

    private async Task<List<LoggedModel>> LoadAsync(DbConnection connection, DbTransaction transaction, string sql, SqlParameters parameters, CancellationToken cancellationToken)
    {
        var rows = await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => (Key: reader.GetInt64(0), Model: new LoggedModel(reader.GetString(1),
            new ExperimentId(reader.GetInt64(2)), reader.GetString(3), reader.GetNullableString(4), reader.GetNullableString(5), (LoggedModelStatus)reader.GetInt64(6),
            reader.GetNullableString(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetString(10),
            reader.GetString(11) == "active" ? LifecycleStage.Active : LifecycleStage.Deleted, [], [])), cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var keys = rows.Select(r => r.Key).ToList();
        var modelParams = new Dictionary<long, List<KeyValue>>();
        var tags = new Dictionary<long, List<KeyValue>>();
        var metrics = new Dictionary<long, List<ModelMetric>>();
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, "SELECT model_key, key, value FROM logged_model_params", "model_key", keys, "key",
            reader => modelParams.AddTo(reader.GetInt64(0), new KeyValue(reader.GetString(1), reader.GetString(2))), cancellationToken);
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, "SELECT model_key, key, value FROM logged_model_tags", "model_key", keys, "key",
            reader => tags.AddTo(reader.GetInt64(0), new KeyValue(reader.GetString(1), reader.GetString(2))), cancellationToken);
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, """
            SELECT lm.model_key, lm.model_id, m.key, m.value, m.is_nan, m.timestamp, m.step, m.dataset_name, m.dataset_digest
            FROM logged_model_metrics m JOIN logged_models lm ON lm.model_key = m.model_key
            """, "m.model_key", keys, "m.key, m.step, m.timestamp",
            reader =>
            {
                var metric = new Metric(reader.GetString(2), StoredMetrics.FromStored(reader.GetDouble(3), reader.GetInt64(4)), reader.GetInt64(5), reader.GetInt64(6));
                metrics.AddTo(reader.GetInt64(0), new ModelMetric(reader.GetString(1), metric, NullIfEmpty(reader.GetString(7)), NullIfEmpty(reader.GetString(8))));
            }, cancellationToken);

        return rows.Select(r => r.Model with
        {
            Params = modelParams.TryGetValue(r.Key, out var p) ? p : [],
            Tags = tags.TryGetValue(r.Key, out var t) ? t : [],
            Metrics = metrics.TryGetValue(r.Key, out var m) ? m : [],
        }).ToList();
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
