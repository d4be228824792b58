using System.Data.Common;
using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>The model registry's reads, the same SQL on every database (dialect differences aside).</summary>
internal sealed class RegistryReads(ISqlReadSource source)
{
    private const string VersionColumns = """
        v.model_key, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage,
        v.description, v.source, v.run_id, v.run_link, v.storage_location, v.approval_status, v.approval_actor, v.approval_time, v.approval_comment
        """;

    private SqlDialect Dialect => source.Dialect;

    public Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
            (await LoadModelsAsync(connection, transaction, "SELECT model_key FROM registered_models WHERE name = @p0", SqlParameters.Of(name), cancellationToken)).FirstOrDefault()
            ?? throw StoreErrors.ModelNotFound(name), cancellationToken);

    public async Task<Page<RegisteredModel>> SearchModelsAsync(RegistryQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var (conditions, exclusion) = RegistrySearchSql.PromptRule(query.Filter, "registered_model_tags", "t.model_key = m.model_key", parameters);
        var where = exclusion is null ? new List<string>() : [exclusion];
        where.AddRange(conditions.Select(t => RegistrySearchSql.ModelCondition(t, Dialect, parameters)));
        var order = query.OrderBy.Select(t => $"m.{t.Key} {Dialect.Direction(t.Ascending)}").ToList();
        if (!query.OrderBy.Any(t => t.Key == RegistrySearch.Name))
        {
            order.Add("m.name ASC");
        }

        var sql = $"SELECT m.model_key FROM registered_models m WHERE {string.Join(" AND ", where)} ORDER BY {string.Join(", ", order)} LIMIT {query.MaxResults + 1} OFFSET {query.Offset}";
        var models = await source.ReadAsync((connection, transaction) => LoadModelsAsync(connection, transaction, sql, parameters, cancellationToken), cancellationToken);
        return TrackingReads.ToPage(models, query.MaxResults, query.Offset);
    }

    public async Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken)
    {
        var model = await GetModelAsync(name, cancellationToken);
        return model.LatestVersions.Where(v => stages.Count == 0 || stages.Contains(v.CurrentStage)).ToList();
    }

    public async Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken)
    {
        var model = await GetModelAsync(name, cancellationToken);
        var target = model.Aliases.FirstOrDefault(a => a.Alias == alias)
            ?? throw CairnException.InvalidParameter($"Registered model alias {alias} not found.");
        return await GetVersionAsync(name, target.Version, cancellationToken);
    }

    public Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            var parameters = new SqlParameters();
            var where = $"m.name = {parameters.Add(name)} AND v.version = {parameters.Add(version)} AND {RegistrySearchSql.DeletedVersionFilter}";
            return (await LoadVersionsAsync(connection, transaction, where, parameters, "v.version", 1, 0, cancellationToken)).FirstOrDefault()
                ?? throw StoreErrors.VersionNotFound(name, version);
        }, cancellationToken);

    public async Task<Page<ModelVersion>> SearchVersionsAsync(RegistryQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        // As in MLflow, a version is hidden when any version of its model is a prompt version (the exclusion joins on the model).
        var (conditions, exclusion) = RegistrySearchSql.PromptRule(query.Filter, "model_version_tags", "t.model_key = v.model_key", parameters);
        var where = new List<string> { RegistrySearchSql.DeletedVersionFilter };
        if (exclusion is not null)
        {
            where.Add(exclusion);
        }

        where.AddRange(conditions.Select(t => RegistrySearchSql.VersionCondition(t, Dialect, parameters)));
        var order = query.OrderBy.Count == 0
            ? ["v.last_updated_timestamp DESC"]
            : query.OrderBy.Select(t => $"{RegistrySearchSql.VersionColumn(t.Key)} {Dialect.Direction(t.Ascending)}").ToList();
        if (!query.OrderBy.Any(t => t.Key == RegistrySearch.Name))
        {
            order.Add("m.name ASC");
        }

        if (!query.OrderBy.Any(t => t.Key == RegistrySearch.VersionNumber))
        {
            order.Add("v.version DESC");
        }

        var versions = await source.ReadAsync((connection, transaction) => LoadVersionsAsync(connection, transaction, string.Join(" AND ", where), parameters,
            string.Join(", ", order), query.MaxResults + 1, query.Offset, cancellationToken), cancellationToken);
        return TrackingReads.ToPage(versions, query.MaxResults, query.Offset);
    }

    public Task<Page<AuditEvent>> GetAuditTrailAsync(string name, int maxResults, long offset, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, transaction) =>
        {
            // Follow the model across renames by its key, and keep the events of earlier models that had this name.
            var parameters = new SqlParameters();
            var named = parameters.Add(name);
            var sql = $"""
                SELECT event_id, timestamp, actor, action, model_name, version, subject, before, after FROM registry_audit
                WHERE model_key = (SELECT model_key FROM registered_models WHERE name = {named}) OR model_name = {named}
                ORDER BY event_id DESC LIMIT {maxResults + 1} OFFSET {offset}
                """;
            var events = await SqlReads.ListAsync(connection, transaction, sql, parameters, reader => new AuditEvent(reader.GetInt64(0), reader.GetInt64(1),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetNullableInt64(5), reader.GetNullableString(6),
                reader.GetNullableString(7), reader.GetNullableString(8)), cancellationToken);
            return TrackingReads.ToPage(events, maxResults, offset);
        }, cancellationToken);

    private async Task<List<ModelVersion>> LoadVersionsAsync(DbConnection connection, DbTransaction transaction, string where, SqlParameters parameters,
        string order, int limit, long offset, CancellationToken cancellationToken)
    {
        var rows = await SqlReads.ListAsync(connection, transaction,
            $"SELECT {VersionColumns} FROM model_versions v JOIN registered_models m ON m.model_key = v.model_key WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            parameters, reader => (ModelKey: reader.GetInt64(0), Version: new ModelVersion(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetNullableString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetNullableString(9),
                reader.GetString(10), reader.GetString(11), [], [],
                new Approval(Enum.Parse<ApprovalStatus>(reader.GetString(12)), reader.GetNullableString(13), reader.GetNullableInt64(14), reader.GetNullableString(15)))),
            cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var keys = rows.Select(r => r.ModelKey).Distinct().ToList();
        var tags = new Dictionary<(long, long), List<KeyValue>>();
        var aliases = new Dictionary<(long, long), List<string>>();
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, "SELECT model_key, version, key, value FROM model_version_tags", "model_key", keys, "key",
            reader => tags.AddTo((reader.GetInt64(0), reader.GetInt64(1)), new KeyValue(reader.GetString(2), reader.GetString(3))), cancellationToken);
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, "SELECT model_key, version, alias FROM registered_model_aliases", "model_key", keys, "alias",
            reader => aliases.AddTo((reader.GetInt64(0), reader.GetInt64(1)), reader.GetString(2)), cancellationToken);
        return rows.Select(r => r.Version with
        {
            Tags = tags.TryGetValue((r.ModelKey, r.Version.Version), out var t) ? t : [],
            Aliases = aliases.TryGetValue((r.ModelKey, r.Version.Version), out var a) ? a : [],
        }).ToList();
    }

    private async Task<List<RegisteredModel>> LoadModelsAsync(DbConnection connection, DbTransaction transaction, string keySql, SqlParameters parameters,
        CancellationToken cancellationToken)
    {
        var keys = await SqlReads.ListAsync(connection, transaction, keySql, parameters, reader => reader.GetInt64(0), cancellationToken);
        if (keys.Count == 0)
        {
            return [];
        }

        var models = new Dictionary<long, RegisteredModel>();
        await RunReader.ForEachRowAsync(connection, transaction, Dialect,
            "SELECT model_key, name, creation_timestamp, last_updated_timestamp, user_id, description FROM registered_models", "model_key", keys, "",
            reader => models[reader.GetInt64(0)] = new RegisteredModel(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetNullableString(4),
                reader.GetString(5), [], [], []), cancellationToken);
        var tags = new Dictionary<long, List<KeyValue>>();
        var aliases = new Dictionary<long, List<ModelAlias>>();
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, "SELECT model_key, key, value FROM registered_model_tags", "model_key", keys, "key",
            reader => tags.AddTo(reader.GetInt64(0), new KeyValue(reader.GetString(1), reader.GetString(2))), cancellationToken);
        await RunReader.ForEachRowAsync(connection, transaction, Dialect, "SELECT model_key, alias, version FROM registered_model_aliases", "model_key", keys, "alias",
            reader => aliases.AddTo(reader.GetInt64(0), new ModelAlias(reader.GetString(1), reader.GetInt64(2))), cancellationToken);

        // For each stage, the highest version currently in it.
        var latestParameters = new SqlParameters();
        var latestWhere = $"""
            {RegistrySearchSql.DeletedVersionFilter} AND {Dialect.InIds("v.model_key", keys, latestParameters)}
            AND v.version = (SELECT MAX(x.version) FROM model_versions x WHERE x.model_key = v.model_key AND x.current_stage = v.current_stage AND x.deleted = 0)
            """;
        var latest = await LoadVersionsAsync(connection, transaction, latestWhere, latestParameters, "m.name, v.version", int.MaxValue, 0, cancellationToken);

        // One pass over the versions, not one per model: a page of 1,000 models has about 2,000 latest versions.
        var latestByName = latest.ToLookup(v => v.Name, StringComparer.Ordinal);
        return keys.Select(k => models[k] with
        {
            Tags = tags.TryGetValue(k, out var t) ? t : [],
            Aliases = aliases.TryGetValue(k, out var a) ? a : [],
            LatestVersions = [.. latestByName[models[k].Name]],
        }).ToList();
    }
}
