using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    private const string ExperimentColumns = "experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time";

    /// <summary>Creates the default experiment "0" on an empty database.</summary>
    public Task EnsureDefaultExperimentAsync(CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var now = Now();
            context.Command("""
                INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', $now, $now)
                """).Bind("$now", now).ExecuteNonQuery();
        }, cancellationToken);

    public Task<ExperimentId> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var existing = context.Command("SELECT 1 FROM experiments WHERE name = $name").Bind("$name", name).ExecuteScalar();
            if (existing is not null)
            {
                throw CairnException.AlreadyExists($"Experiment(name={name}) already exists.");
            }

            var now = Now();
            var id = new ExperimentId((long)context.Command("""
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES ($name, '', 'active', $now, $now) RETURNING experiment_id
                """).Bind("$name", name).Bind("$now", now).ExecuteScalar()!);

            // A client-given location is kept as a label only; artifacts always live under the managed root.
            context.Command("UPDATE experiments SET artifact_location = $location WHERE experiment_id = $id")
                .Bind("$location", string.IsNullOrEmpty(artifactLocation) ? $"mlflow-artifacts:/{id}" : artifactLocation)
                .Bind("$id", id.Value).ExecuteNonQuery();
            foreach (var tag in tags)
            {
                UpsertExperimentTag(context, id, tag);
            }

            return id;
        }, cancellationToken);

    public Task<Experiment?> GetExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
            LoadExperiments(connection, transaction, $"SELECT {ExperimentColumns} FROM experiments WHERE experiment_id = $p0", id.Value).FirstOrDefault()));

    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
            LoadExperiments(connection, transaction, $"SELECT {ExperimentColumns} FROM experiments WHERE name = $p0", name).FirstOrDefault()));

    public Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var where = new List<string> { ViewTypeCondition("lifecycle_stage", query.ViewType) };
        foreach (var term in query.Filter)
        {
            where.Add(ExperimentCondition(term, parameters));
        }

        var order = ExperimentOrder(query.OrderBy);
        var sql = $"""
            SELECT {ExperimentColumns} FROM experiments
            WHERE {string.Join(" AND ", where)}
            ORDER BY {order}
            LIMIT {query.MaxResults + 1} OFFSET {query.Offset}
            """;
        var experiments = SqliteReads.ReadSnapshot(database, (connection, transaction) => LoadExperiments(connection, transaction, sql, parameters));
        var token = experiments.Count > query.MaxResults ? PageToken.Encode(query.Offset + query.MaxResults) : null;
        return Task.FromResult(new Page<Experiment>(experiments.Take(query.MaxResults).ToList(), token));
    }

    public Task DeleteExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        SetExperimentStage(id, from: ActiveStage, to: DeletedStage, cancellationToken);

    public Task RestoreExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        SetExperimentStage(id, from: DeletedStage, to: ActiveStage, cancellationToken);

    public Task RenameExperimentAsync(ExperimentId id, string newName, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var stage = ExperimentStage(context, id) ?? throw ExperimentNotFound(id);
            if (stage != ActiveStage)
            {
                throw CairnException.InvalidParameter($"Cannot rename a non-active experiment {id}: it is deleted. Restore it first.");
            }

            var owner = context.Command("SELECT experiment_id FROM experiments WHERE name = $name").Bind("$name", newName).ExecuteScalar();
            if (owner is long ownerId && ownerId != id.Value)
            {
                throw CairnException.AlreadyExists($"Experiment(name={newName}) already exists.");
            }

            context.Command("UPDATE experiments SET name = $name, last_update_time = $now WHERE experiment_id = $id")
                .Bind("$name", newName).Bind("$now", Now()).Bind("$id", id.Value).ExecuteNonQuery();
        }, cancellationToken);

    public Task SetExperimentTagAsync(ExperimentId id, KeyValue tag, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var stage = ExperimentStage(context, id) ?? throw ExperimentNotFound(id);
            if (stage != ActiveStage)
            {
                throw CairnException.InvalidParameter($"The experiment {id} must be in the 'active' state. Current state is deleted.");
            }

            UpsertExperimentTag(context, id, tag);
        }, cancellationToken);

    private Task SetExperimentStage(ExperimentId id, string from, string to, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var stage = ExperimentStage(context, id);
            if (stage != from)
            {
                throw stage is null
                    ? ExperimentNotFound(id)
                    : CairnException.NotFound($"No {from} experiment with id={id} exists (it is {stage}).");
            }

            var now = Now();
            context.Command("UPDATE experiments SET lifecycle_stage = $to, last_update_time = $now WHERE experiment_id = $id")
                .Bind("$to", to).Bind("$now", now).Bind("$id", id.Value).ExecuteNonQuery();

            // Deleting an experiment soft-deletes its runs; restoring brings them back.
            context.Command("UPDATE runs SET lifecycle_stage = $to, deleted_time = $deleted WHERE experiment_id = $id")
                .Bind("$to", to).Bind("$deleted", to == DeletedStage ? now : null).Bind("$id", id.Value).ExecuteNonQuery();
        }, cancellationToken);

    private static string? ExperimentStage(WriteContext context, ExperimentId id) =>
        context.Command("SELECT lifecycle_stage FROM experiments WHERE experiment_id = $id").Bind("$id", id.Value).ExecuteScalar() as string;

    private static void UpsertExperimentTag(WriteContext context, ExperimentId id, KeyValue tag) =>
        context.Command("""
            INSERT INTO experiment_tags (experiment_id, key, value) VALUES ($id, $key, $value)
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
            """).Bind("$id", id.Value).Bind("$key", tag.Key).Bind("$value", tag.Value).ExecuteNonQuery();

    private static List<Experiment> LoadExperiments(SqliteConnection connection, SqliteTransaction transaction, string sql, object value)
    {
        var parameters = new SqlParameters();
        parameters.Add(value);
        return LoadExperiments(connection, transaction, sql, parameters);
    }

    private static List<Experiment> LoadExperiments(SqliteConnection connection, SqliteTransaction transaction, string sql, SqlParameters parameters)
    {
        var rows = new List<Experiment>();
        using (var command = SqliteReads.CreateCommand(connection, transaction, sql))
        {
            parameters.ApplyTo(command);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new Experiment(new ExperimentId(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2),
                    ParseStage(reader.GetString(3)), reader.GetInt64(4), reader.GetInt64(5), []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var tags = new Dictionary<long, List<KeyValue>>();
        using (var command = SqliteReads.CreateCommand(connection, transaction,
            "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (SELECT value FROM json_each($ids))"))
        {
            command.Parameters.AddWithValue("$ids", SqliteReads.JsonIdList(rows.Select(r => r.Id.Value)));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                if (!tags.TryGetValue(id, out var list))
                {
                    tags[id] = list = [];
                }

                list.Add(new KeyValue(reader.GetString(1), reader.GetString(2)));
            }
        }

        return rows.Select(r => tags.TryGetValue(r.Id.Value, out var list) ? r with { Tags = list } : r).ToList();
    }

    private static string ExperimentCondition(Comparison term, SqlParameters parameters)
    {
        if (term.Entity == FilterEntity.Tag && term.Op.IsPresence())
        {
            var exists = $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = experiments.experiment_id AND t.key = {parameters.Add(term.Key)})";
            return term.Op == Comparator.IsNull ? "NOT " + exists : exists;
        }

        if (term.Entity == FilterEntity.Tag)
        {
            var value = ((StringValue)term.Value).Value;
            return $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = experiments.experiment_id AND t.key = {parameters.Add(term.Key)} AND {SqlPatterns.Compare("t.value", term.Op, value, parameters)})";
        }

        return term.Key == ExperimentSearch.Name
            ? SqlPatterns.Compare("name", term.Op, ((StringValue)term.Value).Value, parameters)
            : SqlPatterns.NumberCompare(term.Key, term.Op, ((NumberValue)term.Value).Value, parameters);
    }

    private static string ExperimentOrder(IReadOnlyList<OrderTerm> orderBy)
    {
        if (orderBy.Count == 0)
        {
            return "creation_time DESC, experiment_id ASC";
        }

        var clauses = orderBy.Select(t => $"{t.Key} {(t.Ascending ? "ASC" : "DESC")}").ToList();
        if (!orderBy.Any(t => t.Key == ExperimentSearch.ExperimentIdKey))
        {
            clauses.Add("experiment_id DESC");
        }

        return string.Join(", ", clauses);
    }

    internal static string ViewTypeCondition(string column, ViewType viewType) => viewType switch
    {
        ViewType.ActiveOnly => $"{column} = 'active'",
        ViewType.DeletedOnly => $"{column} = 'deleted'",
        _ => "1 = 1",
    };
}
