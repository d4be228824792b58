using Cairn.Core.Tracking;
using Cairn.Storage.Postgres;
using Cairn.Storage.Sqlite;
using Cairn.Tests.Shared;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cairn.Storage.Tests;

/// <summary>
/// A database written by a Cairn before the activity summaries (schema 3) is upgraded by <c>cairn db upgrade</c>, which
/// fills the summaries from the rows already there.
/// </summary>
public sealed class ActivitySummaryMigrationTests
{
    private const int VersionBefore = 3;

    // Two experiments; experiment 1 has two active runs and a deleted one, with metric points in one run.
    private const string OldRows = """
        INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
        VALUES (1, 'busy', 'mlflow-artifacts:/1', 'active', 5, 5), (2, 'empty', 'mlflow-artifacts:/2', 'active', 6, 6);
        INSERT INTO runs (run_key, run_uuid, experiment_id, name, status, start_time, end_time, artifact_uri, lifecycle_stage)
        VALUES (1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 'a', 'FINISHED', 100, 400, 'x', 'active'),
               (2, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 'b', 'RUNNING', 200, NULL, 'x', 'active'),
               (3, 'cccccccccccccccccccccccccccccccc', 1, 'c', 'FINISHED', 50, 60, 'x', 'deleted');
        INSERT INTO metrics (run_key, key, step, timestamp, value, is_nan)
        VALUES (2, 'loss', 0, 300, 1, 0), (2, 'loss', 7, 900, 0.5, 0), (2, 'acc', 3, 950, 0.9, 0);
        INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, min_value, max_value, value_count)
        VALUES (2, 'loss', 0.5, 0, 900, 7, 0.5, 1, 2), (2, 'acc', 0.9, 0, 950, 3, 0.9, 0.9, 1);
        """;

    [Fact]
    public async Task Sqlite_Upgrade_BackfillsSummaries_ThenKeepsThemAtWriteTime()
    {
        var path = Path.Combine(Path.GetTempPath(), "cairn-migrations", Guid.NewGuid().ToString("N"), "cairn.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            foreach (var (version, name, sql) in SqliteMigrator.Scripts.Where(s => s.Version <= VersionBefore))
            {
                Execute(connection, sql);
                Execute(connection, $"INSERT INTO schema_version (version, name) VALUES ({version}, '{name}')");
            }

            Execute(connection, OldRows);
        }

        Assert.Throws<SchemaVersionException>(() => SqliteDatabase.Open(path));
        Assert.Equal(SqliteMigrator.LatestVersion, SqliteMigrator.Upgrade(path));

        await using var database = SqliteDatabase.Open(path);
        await CheckBackfilledAsync(new SqliteTrackingStore(database, TimeProvider.System));
    }

    [Fact]
    public async Task Postgres_Upgrade_BackfillsSummaries_ThenKeepsThemAtWriteTime()
    {
        await using var server = await PostgresTestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            Execute(connection, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            foreach (var (version, name, sql) in PostgresMigrator.Scripts.Where(s => s.Version <= VersionBefore))
            {
                Execute(connection, sql);
                Execute(connection, $"INSERT INTO schema_version (version, name) VALUES ({version}, '{name}')");
            }

            // Identity columns continue after the explicit keys inserted below.
            Execute(connection, OldRows + """
                SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), 10);
                SELECT setval(pg_get_serial_sequence('runs', 'run_key'), 10);
                """);
        }

        Assert.Throws<SchemaVersionException>(() => PostgresDatabase.Open(server.ConnectionString));
        Assert.Equal(PostgresMigrator.LatestVersion, PostgresMigrator.Upgrade(server.ConnectionString));

        await using var database = PostgresDatabase.Open(server.ConnectionString);
        await CheckBackfilledAsync(new PostgresTrackingStore(database, TimeProvider.System));
    }

    private static async Task CheckBackfilledAsync(ITrackingStore store)
    {
        var cancel = TestContext.Current.CancellationToken;
        var busy = (await store.GetExperimentAsync(new ExperimentId(1), cancel))!;
        Assert.Equal(2, busy.RunCount);
        Assert.Equal(950, busy.LastActivityTime);
        var empty = (await store.GetExperimentAsync(new ExperimentId(2), cancel))!;
        Assert.Equal((0L, (long?)null), (empty.RunCount, empty.LastActivityTime));

        var running = new RunId("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        var info = (await store.GetRunAsync(running, cancel))!.Info;
        Assert.Equal((7L, 950L), (info.LatestStep!.Value, info.LatestMetricTime!.Value));
        Assert.Null((await store.GetRunAsync(new RunId("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), cancel))!.Info.LatestStep);

        Assert.Equal(["acc", "loss"], await store.GetRunKeysAsync(new ExperimentId(1), Cairn.Core.Search.FilterEntity.Metric, "", 10, cancel));
        Assert.Empty(await store.GetRunKeysAsync(new ExperimentId(1), Cairn.Core.Search.FilterEntity.Tag, "", 10, cancel));

        // After the upgrade the summaries follow new writes.
        await store.LogBatchAsync(running, new LogBatch([new Metric("loss", 0.25, 2_000, 8)], [], []), cancel);
        await store.CreateRunAsync(new NewRun(new ExperimentId(1), null, "d", 1_500, []), cancel);
        busy = (await store.GetExperimentAsync(new ExperimentId(1), cancel))!;
        Assert.Equal((3L, 2_000L), (busy.RunCount, busy.LastActivityTime!.Value));
        Assert.Equal(8, (await store.GetRunAsync(running, cancel))!.Info.LatestStep);
        await store.LogBatchAsync(running, new LogBatch([], [new KeyValue("lr", "0.1")], []), cancel);
        Assert.Equal(["lr"], await store.GetRunKeysAsync(new ExperimentId(1), Cairn.Core.Search.FilterEntity.Param, "", 10, cancel));
        Assert.Contains("mlflow.runName", await store.GetRunKeysAsync(new ExperimentId(1), Cairn.Core.Search.FilterEntity.Tag, "", 10, cancel));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
