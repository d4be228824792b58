using Cairn.Core.Maintenance;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sqlite;

/// <summary>
/// Hard deletes for <c>cairn gc</c>. Each purge is one write that first checks the entity is still deleted, so a
/// restore that lands in between wins; child rows go explicitly because most of them carry no foreign key.
/// </summary>
public sealed class SqlitePurgeStore(SqliteDatabase database) : IPurgeStore
{
    private const string RunKeysOfExperiment = "SELECT run_key FROM runs WHERE experiment_id = $id";
    private const string ModelKeysOfExperiment = "SELECT model_key FROM logged_models WHERE experiment_id = $id";
    private const string DatasetKeysOfExperiment = "SELECT dataset_key FROM datasets WHERE experiment_id = $id";

    public Task<IReadOnlyList<DeletedRun>> ListDeletedRunsAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeletedRun>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            using var command = SqliteReads.CreateCommand(connection, transaction, """
                SELECT run_uuid, experiment_id, deleted_time FROM runs
                WHERE lifecycle_stage = 'deleted' AND COALESCE(deleted_time, 0) <= $before
                ORDER BY deleted_time, run_uuid
                """);
            command.Parameters.AddWithValue("$before", deletedBefore.ToUnixTimeMilliseconds());
            using var reader = command.ExecuteReader();
            var runs = new List<DeletedRun>();
            while (reader.Read())
            {
                runs.Add(new DeletedRun(new RunId(reader.GetString(0)), new ExperimentId(reader.GetInt64(1)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.IsDBNull(2) ? 0 : reader.GetInt64(2))));
            }

            return runs;
        }));

    public Task<IReadOnlyList<DeletedExperiment>> ListDeletedExperimentsAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeletedExperiment>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            using var command = SqliteReads.CreateCommand(connection, transaction, """
                SELECT experiment_id, name, last_update_time FROM experiments
                WHERE lifecycle_stage = 'deleted' AND last_update_time <= $before
                ORDER BY last_update_time, experiment_id
                """);
            command.Parameters.AddWithValue("$before", deletedBefore.ToUnixTimeMilliseconds());
            using var reader = command.ExecuteReader();
            var experiments = new List<DeletedExperiment>();
            while (reader.Read())
            {
                experiments.Add(new DeletedExperiment(new ExperimentId(reader.GetInt64(0)), reader.GetString(1),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }

            return experiments;
        }));

    public Task<IReadOnlySet<string>> ListModelVersionLocationsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            using var command = SqliteReads.CreateCommand(connection, transaction, "SELECT DISTINCT storage_location FROM model_versions WHERE deleted = 0");
            using var reader = command.ExecuteReader();
            var locations = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                locations.Add(reader.GetString(0));
            }

            return locations;
        }));

    public Task<bool> PurgeRunAsync(RunId id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            if (context.Command("SELECT run_key FROM runs WHERE run_uuid = $id AND lifecycle_stage = 'deleted'").Bind("$id", id.Value).ExecuteScalar() is not long key)
            {
                return false;
            }

            foreach (var table in new[] { "params", "tags", "metrics", "latest_metrics", "input_tags", "inputs", "run_outputs", "run_model_inputs", "runs" })
            {
                context.Command($"DELETE FROM {table} WHERE run_key = $key").Bind("$key", key).ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);

    public Task<bool> PurgeExperimentAsync(ExperimentId id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            if (context.Command("SELECT 1 FROM experiments WHERE experiment_id = $id AND lifecycle_stage = 'deleted'").Bind("$id", id.Value).ExecuteScalar() is null)
            {
                return false;
            }

            string[] statements =
            [
                $"DELETE FROM params WHERE run_key IN ({RunKeysOfExperiment})",
                $"DELETE FROM tags WHERE run_key IN ({RunKeysOfExperiment})",
                $"DELETE FROM metrics WHERE run_key IN ({RunKeysOfExperiment})",
                $"DELETE FROM latest_metrics WHERE run_key IN ({RunKeysOfExperiment})",
                $"DELETE FROM input_tags WHERE run_key IN ({RunKeysOfExperiment}) OR dataset_key IN ({DatasetKeysOfExperiment})",
                $"DELETE FROM inputs WHERE run_key IN ({RunKeysOfExperiment}) OR dataset_key IN ({DatasetKeysOfExperiment})",
                $"DELETE FROM run_outputs WHERE run_key IN ({RunKeysOfExperiment}) OR model_key IN ({ModelKeysOfExperiment})",
                $"DELETE FROM run_model_inputs WHERE run_key IN ({RunKeysOfExperiment}) OR model_key IN ({ModelKeysOfExperiment})",
                $"DELETE FROM logged_model_params WHERE model_key IN ({ModelKeysOfExperiment})",
                $"DELETE FROM logged_model_tags WHERE model_key IN ({ModelKeysOfExperiment})",
                $"DELETE FROM logged_model_metrics WHERE model_key IN ({ModelKeysOfExperiment})",
                "DELETE FROM logged_models WHERE experiment_id = $id",
                "DELETE FROM datasets WHERE experiment_id = $id",
                "DELETE FROM runs WHERE experiment_id = $id",
                "DELETE FROM experiment_tags WHERE experiment_id = $id",
                "DELETE FROM experiments WHERE experiment_id = $id",
            ];
            foreach (var sql in statements)
            {
                context.Command(sql).Bind("$id", id.Value).ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);
}
