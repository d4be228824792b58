using System.Globalization;
using System.Text;
using Cairn.Core.Tracking;
using Cairn.Storage.Postgres;
using Cairn.Storage.Sqlite;
using Cairn.Tests.Shared;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cairn.Storage.Tests;

/// <summary>
/// Issue 8: a database whose histories were logged before the metric pyramid (schema 5) is upgraded with the cells
/// filled from the stored points, equal to what the writers would have folded, and the cells then follow new writes.
/// </summary>
public sealed class MetricPyramidMigrationTests
{
    private const int PyramidVersion = 5;
    private static readonly RunId Run = new("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Steps -100 … 4,999 with a NaN point every 37 steps and a second point at every 50th step.
    private static readonly List<Metric> Points = [.. Enumerable.Range(-100, 5_100).SelectMany(step => step % 50 == 0
        ? new[] { Point(step, 10), Point(step, 20) }
        : [Point(step, 10)])];

    private static Metric Point(long step, long time) =>
        new("loss", step % 37 == 0 ? double.NaN : Math.Cos(step / 40.0) * (time / 10), time + step, step);

    private static string OldRows()
    {
        var sql = new StringBuilder("""
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (1, 'old', 'mlflow-artifacts:/1', 'active', 5, 5);
            INSERT INTO runs (run_key, run_uuid, experiment_id, name, status, start_time, end_time, artifact_uri, lifecycle_stage)
            VALUES (1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 'a', 'RUNNING', 100, NULL, 'x', 'active');
            INSERT INTO metrics (run_key, key, step, timestamp, value, is_nan) VALUES
            """);
        sql.AppendJoin(",\n", Points.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"(1, 'loss', {m.Step}, {m.Timestamp}, {(double.IsNaN(m.Value) ? 0 : m.Value):R}, {(double.IsNaN(m.Value) ? 1 : 0)})")));
        return sql.Append(';').ToString();
    }

    [Fact]
    public async Task Issue8_Sqlite_Upgrade_FillsThePyramid()
    {
        var path = Path.Combine(Path.GetTempPath(), "cairn-migrations", Guid.NewGuid().ToString("N"), "cairn.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            foreach (var (version, name, sql) in SqliteMigrator.Scripts.Where(s => s.Version < PyramidVersion))
            {
                Execute(connection, sql);
                Execute(connection, $"INSERT INTO schema_version (version, name) VALUES ({version}, '{name}')");
            }

            Execute(connection, OldRows());
        }

        Assert.Equal(SqliteMigrator.LatestVersion, SqliteMigrator.Upgrade(path));
        await using var database = SqliteDatabase.Open(path);
        await CheckAsync(new SqliteTrackingStore(database, TimeProvider.System));
    }

    [Fact]
    public async Task Issue8_Postgres_Upgrade_FillsThePyramid()
    {
        await using var server = await PostgresTestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            Execute(connection, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            foreach (var (version, name, sql) in PostgresMigrator.Scripts.Where(s => s.Version < PyramidVersion))
            {
                Execute(connection, sql);
                Execute(connection, $"INSERT INTO schema_version (version, name) VALUES ({version}, '{name}')");
            }

            Execute(connection, OldRows() + """
                SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), 10);
                SELECT setval(pg_get_serial_sequence('runs', 'run_key'), 10);
                """);
        }

        Assert.Equal(PostgresMigrator.LatestVersion, PostgresMigrator.Upgrade(server.ConnectionString));
        await using var database = PostgresDatabase.Open(server.ConnectionString);
        await CheckAsync(new PostgresTrackingStore(database, TimeProvider.System));
    }

    private static async Task CheckAsync(ITrackingStore store)
    {
        await AssertCellsAsync(store, Points);

        var later = new List<Metric> { new("loss", 99, 50, 4_999), new("loss", -99, 60, 7_000), new("loss", double.NaN, 70, -3) };
        await store.LogBatchAsync(Run, new LogBatch(later, [], []), Cancel);
        await AssertCellsAsync(store, [.. Points, .. later]);
    }

    private static async Task AssertCellsAsync(ITrackingStore store, List<Metric> points)
    {
        var expected = MetricPyramid.Fold(points.Select(m => (m.Key, m.Step, m.Timestamp, m.Value, double.IsNaN(m.Value))));
        foreach (var shift in MetricPyramid.Shifts)
        {
            Assert.Equal(expected.Where(c => c.Shift == shift),
                await store.GetMetricBucketsAsync(new MetricBucketQuery(Run, "loss", shift, long.MinValue >> shift, long.MaxValue >> shift), Cancel));
        }
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
