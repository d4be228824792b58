using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteRegistryStore
{
    private const string VersionColumns = """
        v.model_key, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage,
        v.description, v.source, v.run_id, v.run_link, v.storage_location, v.approval_status, v.approval_actor, v.approval_time, v.approval_comment
        """;

    public async Task<ModelVersion> CreateVersionAsync(NewModelVersion version, Actor actor, CancellationToken cancellationToken)
    {
        var number = await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, version.Name);
            var now = Now();
            var next = (long)context.Command("UPDATE registered_models SET max_version = max_version + 1, last_updated_timestamp = $now WHERE model_key = $key RETURNING max_version")
                .Bind("$now", now).Bind("$key", key).ExecuteScalar()!;
            context.Command("""
                INSERT INTO model_versions (model_key, version, creation_timestamp, last_updated_timestamp, description, current_stage,
                                            source, storage_location, run_id, run_link, deleted)
                VALUES ($model, $version, $now, $now, $description, 'None', $source, $storage, $run, $link, 0)
                """).Bind("$model", key).Bind("$version", next).Bind("$now", now).Bind("$description", version.Description)
                .Bind("$source", version.Source).Bind("$storage", version.StorageLocation).Bind("$run", version.RunId)
                .Bind("$link", version.RunLink).ExecuteNonQuery();
            Audit(context, actor, AuditActions.CreateVersion, key, version.Name, next, after: version.Source);
            foreach (var tag in version.Tags)
            {
                UpsertVersionTag(context, actor, key, version.Name, next, tag);
            }

            return next;
        }, cancellationToken);
        return await GetVersionAsync(version.Name, number, cancellationToken);
    }

    public Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            var parameters = new SqlParameters();
            var where = $"m.name = {parameters.Add(name)} AND v.version = {parameters.Add(version)} AND {DeletedVersionFilter}";
            return LoadVersions(connection, transaction, where, parameters, "v.version", 1, 0).FirstOrDefault() ?? throw VersionNotFound(name, version);
        }));

    public async Task<ModelVersion> UpdateVersionAsync(string name, long version, string description, Actor actor, CancellationToken cancellationToken)
    {
        await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            var before = context.Command("SELECT description FROM model_versions WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteScalar() as string;
            Audit(context, actor, AuditActions.UpdateVersionDescription, key, name, version, before: before, after: description);
            context.Command("UPDATE model_versions SET description = $description, last_updated_timestamp = $now WHERE model_key = $model AND version = $version")
                .Bind("$description", description).Bind("$now", Now()).Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task DeleteVersionAsync(string name, long version, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);

            Audit(context, actor, AuditActions.DeleteVersion, key, name, version);

            // Hidden, never renumbered; its aliases and tags go with it so nothing points at a missing version.
            context.Command("UPDATE model_versions SET deleted = 1, current_stage = 'Deleted_Internal', last_updated_timestamp = $now WHERE model_key = $model AND version = $version")
                .Bind("$now", Now()).Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("DELETE FROM registered_model_aliases WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("DELETE FROM model_version_tags WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("UPDATE registered_models SET last_updated_timestamp = $now WHERE model_key = $model")
                .Bind("$now", Now()).Bind("$model", key).ExecuteNonQuery();
        }, cancellationToken);

    public async Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, Actor actor, CancellationToken cancellationToken)
    {
        await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            if (policy.Guards(stage, null))
            {
                RequireApproved(context, key, name, version, stage);
            }

            var now = Now();
            if (archiveExisting)
            {
                var archived = new List<long>();
                var select = context.Command("SELECT version FROM model_versions WHERE model_key = $model AND version != $version AND current_stage = $stage AND deleted = 0")
                    .Bind("$model", key).Bind("$version", version).Bind("$stage", stage);
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        archived.Add(reader.GetInt64(0));
                    }
                }

                foreach (var other in archived)
                {
                    Audit(context, actor, AuditActions.TransitionStage, key, name, other, before: stage, after: ModelStages.Archived);
                }

                context.Command("""
                    UPDATE model_versions SET current_stage = 'Archived', last_updated_timestamp = $now
                    WHERE model_key = $model AND version != $version AND current_stage = $stage AND deleted = 0
                    """).Bind("$now", now).Bind("$model", key).Bind("$version", version).Bind("$stage", stage).ExecuteNonQuery();
            }

            var current = context.Command("SELECT current_stage FROM model_versions WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteScalar() as string;
            Audit(context, actor, AuditActions.TransitionStage, key, name, version, before: current, after: stage);

            context.Command("UPDATE model_versions SET current_stage = $stage, last_updated_timestamp = $now WHERE model_key = $model AND version = $version")
                .Bind("$stage", stage).Bind("$now", now).Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            context.Command("UPDATE registered_models SET last_updated_timestamp = $now WHERE model_key = $model")
                .Bind("$now", now).Bind("$model", key).ExecuteNonQuery();
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task<Page<ModelVersion>> SearchVersionsAsync(RegistryQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var where = new List<string> { DeletedVersionFilter, PromptRule(query.Filter, "model_version_tags", "t.model_key = v.model_key AND t.version = v.version", parameters) };
        foreach (var term in query.Filter.Where(t => !IsPromptTerm(t)))
        {
            where.Add(VersionCondition(term, parameters));
        }

        var order = query.OrderBy.Count == 0
            ? ["v.last_updated_timestamp DESC"]
            : query.OrderBy.Select(t => $"{VersionColumn(t.Key)} {(t.Ascending ? "ASC" : "DESC")}").ToList();
        if (!query.OrderBy.Any(t => t.Key == RegistrySearch.Name))
        {
            order.Add("m.name ASC");
        }

        if (!query.OrderBy.Any(t => t.Key == RegistrySearch.VersionNumber))
        {
            order.Add("v.version DESC");
        }

        var versions = SqliteReads.ReadSnapshot(database, (connection, transaction) =>
            LoadVersions(connection, transaction, string.Join(" AND ", where), parameters, string.Join(", ", order), query.MaxResults + 1, query.Offset));
        return Task.FromResult(ToPage(versions, query));
    }

    public Task SetVersionTagAsync(string name, long version, KeyValue tag, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            UpsertVersionTag(context, actor, key, name, version, tag);
        }, cancellationToken);

    public Task DeleteVersionTagAsync(string name, long version, string key, Actor actor, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var model = RequireModel(context, name);
            RequireVersion(context, model, name, version);
            var before = context.Command("DELETE FROM model_version_tags WHERE model_key = $model AND version = $version AND key = $key RETURNING value")
                .Bind("$model", model).Bind("$version", version).Bind("$key", key).ExecuteScalar() as string;
            if (before is not null)
            {
                Audit(context, actor, AuditActions.DeleteVersionTag, model, name, version, key, before);
            }
        }, cancellationToken);

    private void UpsertVersionTag(WriteContext context, Actor actor, long modelKey, string name, long version, KeyValue tag)
    {
        var before = context.Command("SELECT value FROM model_version_tags WHERE model_key = $model AND version = $version AND key = $key")
            .Bind("$model", modelKey).Bind("$version", version).Bind("$key", tag.Key).ExecuteScalar() as string;
        Audit(context, actor, AuditActions.SetVersionTag, modelKey, name, version, tag.Key, before, tag.Value);
        context.Command("""
            INSERT INTO model_version_tags (model_key, version, key, value) VALUES ($model, $version, $key, $value)
            ON CONFLICT (model_key, version, key) DO UPDATE SET value = excluded.value
            """).Bind("$model", modelKey).Bind("$version", version).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();
    }

    private static string VersionCondition(Comparison term, SqlParameters parameters)
    {
        if (term.Entity == FilterEntity.Tag)
        {
            return $"EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_key = v.model_key AND t.version = v.version AND t.key = {parameters.Add(term.Key)} AND {SqlPatterns.Compare("t.value", term.Op, ((StringValue)term.Value).Value, parameters)})";
        }

        var column = VersionColumn(term.Key);
        return term.Value switch
        {
            NumberValue number => SqlPatterns.NumberCompare(column, term.Op, number.Value, parameters),
            ListValue list => SqlPatterns.InList(column, term.Op, list.Values, parameters),
            StringValue text => SqlPatterns.Compare(column, term.Op, text.Value, parameters),
            _ => throw new InvalidOperationException("Unknown filter value."),
        };
    }

    private static string VersionColumn(string key) => key switch
    {
        RegistrySearch.Name => "m.name",
        RegistrySearch.RunId => "v.run_id",
        RegistrySearch.SourcePath => "v.source",
        RegistrySearch.VersionNumber => "v.version",
        RegistrySearch.CreationTimestamp => "v.creation_timestamp",
        RegistrySearch.LastUpdatedTimestamp => "v.last_updated_timestamp",
        _ => throw new InvalidOperationException($"Unknown model version key '{key}'."),
    };

    private static List<ModelVersion> LoadVersions(SqliteConnection connection, SqliteTransaction transaction, string where, SqlParameters parameters, string order, int limit, long offset)
    {
        var rows = new List<(long ModelKey, ModelVersion Version)>();
        using (var command = Command(connection, transaction,
            $"SELECT {VersionColumns} FROM model_versions v JOIN registered_models m ON m.model_key = v.model_key WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}", parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), new ModelVersion(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                    reader.GetNullableString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetNullableString(9),
                    reader.GetString(10), reader.GetString(11), [], [],
                new Approval(Enum.Parse<ApprovalStatus>(reader.GetString(12)), reader.GetNullableString(13), reader.GetNullableInt64(14), reader.GetNullableString(15)))));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var keys = SqliteReads.JsonIdList(rows.Select(r => r.ModelKey).Distinct());
        var tags = new Dictionary<(long, long), List<KeyValue>>();
        var aliases = new Dictionary<(long, long), List<string>>();
        using (var command = Command(connection, transaction, "SELECT model_key, version, key, value FROM model_version_tags WHERE model_key IN (SELECT value FROM json_each($keys)) ORDER BY key"))
        {
            command.Parameters.AddWithValue("$keys", keys);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Add(tags, (reader.GetInt64(0), reader.GetInt64(1)), new KeyValue(reader.GetString(2), reader.GetString(3)));
            }
        }

        using (var command = Command(connection, transaction, "SELECT model_key, version, alias FROM registered_model_aliases WHERE model_key IN (SELECT value FROM json_each($keys)) ORDER BY alias"))
        {
            command.Parameters.AddWithValue("$keys", keys);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Add(aliases, (reader.GetInt64(0), reader.GetInt64(1)), reader.GetString(2));
            }
        }

        return rows.Select(r => r.Version with
        {
            Tags = tags.TryGetValue((r.ModelKey, r.Version.Version), out var t) ? t : [],
            Aliases = aliases.TryGetValue((r.ModelKey, r.Version.Version), out var a) ? a : [],
        }).ToList();
    }

    private static List<RegisteredModel> LoadModels(SqliteConnection connection, SqliteTransaction transaction, string keySql, SqlParameters parameters)
    {
        var keys = new List<long>();
        using (var command = Command(connection, transaction, keySql, parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                keys.Add(reader.GetInt64(0));
            }
        }

        if (keys.Count == 0)
        {
            return [];
        }

        var json = SqliteReads.JsonIdList(keys);
        var models = new Dictionary<long, RegisteredModel>();
        using (var command = Command(connection, transaction,
            "SELECT model_key, name, creation_timestamp, last_updated_timestamp, user_id, description FROM registered_models WHERE model_key IN (SELECT value FROM json_each($keys))"))
        {
            command.Parameters.AddWithValue("$keys", json);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                models[reader.GetInt64(0)] = new RegisteredModel(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetNullableString(4), reader.GetString(5), [], [], []);
            }
        }

        var tags = new Dictionary<long, List<KeyValue>>();
        var aliases = new Dictionary<long, List<ModelAlias>>();
        using (var command = Command(connection, transaction, "SELECT model_key, key, value FROM registered_model_tags WHERE model_key IN (SELECT value FROM json_each($keys)) ORDER BY key"))
        {
            command.Parameters.AddWithValue("$keys", json);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Add(tags, reader.GetInt64(0), new KeyValue(reader.GetString(1), reader.GetString(2)));
            }
        }

        using (var command = Command(connection, transaction, "SELECT model_key, alias, version FROM registered_model_aliases WHERE model_key IN (SELECT value FROM json_each($keys)) ORDER BY alias"))
        {
            command.Parameters.AddWithValue("$keys", json);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Add(aliases, reader.GetInt64(0), new ModelAlias(reader.GetString(1), reader.GetInt64(2)));
            }
        }

        // For each stage, the highest version currently in it.
        var latestParameters = new SqlParameters();
        var latestWhere = $"""
            {DeletedVersionFilter} AND v.model_key IN (SELECT value FROM json_each({latestParameters.Add(json)}))
            AND v.version = (SELECT MAX(x.version) FROM model_versions x WHERE x.model_key = v.model_key AND x.current_stage = v.current_stage AND x.deleted = 0)
            """;
        var latest = LoadVersions(connection, transaction, latestWhere, latestParameters, "m.name, v.version", int.MaxValue, 0);

        return keys.Select(k => models[k] with
        {
            Tags = tags.TryGetValue(k, out var t) ? t : [],
            Aliases = aliases.TryGetValue(k, out var a) ? a : [],
            LatestVersions = latest.Where(v => v.Name == models[k].Name).ToList(),
        }).ToList();
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
