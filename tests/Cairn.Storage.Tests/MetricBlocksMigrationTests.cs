using System.Globalization;
using System.Text;
using Cairn.Core.Tracking;
using Cairn.Storage.Postgres;
using Cairn.Tests.Shared;
using Npgsql;

namespace Cairn.Storage.Tests;

/// <summary>
/// Issue 4: a PostgreSQL database whose points were stored one row each (schema 7) is upgraded to packed blocks
/// (schema 8): every point reads back as before, 256 to a block, and a point sent again after the upgrade is still
/// recognised as stored.
/// </summary>
public sealed class MetricBlocksMigrationTests
{
    private const int BlocksVersion = 8;
    private static readonly RunId Run = new("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // 700 steps of "loss" with a NaN every 37 steps and a second point at every 50th step; three points of "acc".
    private static readonly List<Metric> Points =
    [
        .. Enumerable.Range(-50, 700).SelectMany(step => step % 50 == 0 ? new[] { Point("loss", step, 10), Point("loss", step, 20) } : [Point("loss", step, 10)]),
        new("acc", 0.5, 1, 0), new("acc", 0.25, 2, 0), new("acc", 0.75, 3, 1),
    ];

    private static Metric Point(string key, long step, long time) =>
        new(key, step % 37 == 0 ? double.NaN : Math.Sin(step / 9.0) * time, time + step, step);

    [Fact]
    public async Task Issue4_Postgres_UpgradeToBlocks_KeepsEveryPoint_AndStillSkipsStoredOnes()
    {
        await using var server = await PostgresTestDatabase.CreateAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            await ExecuteAsync(connection, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            foreach (var (version, name, sql) in PostgresMigrator.Scripts.Where(s => s.Version < BlocksVersion))
            {
                await ExecuteAsync(connection, sql);
                await ExecuteAsync(connection, $"INSERT INTO schema_version (version, name) VALUES ({version}, '{name}')");
            }

            await ExecuteAsync(connection, OldRows());
        }

        Assert.Equal(PostgresMigrator.LatestVersion, PostgresMigrator.Upgrade(server.ConnectionString));
        await using var database = PostgresDatabase.Open(server.ConnectionString);
        var store = new PostgresTrackingStore(database, TimeProvider.System);
        await AssertHistoryAsync(store, Points);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand("SELECT key, COUNT(*), MAX(cardinality(point_steps)) FROM metric_blocks GROUP BY key ORDER BY key", connection);
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            var blocks = new List<(string, long, int)>();
            while (await reader.ReadAsync(Cancel))
            {
                blocks.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2)));
            }

            Assert.Equal([("acc", 1L, 3), ("loss", 3L, 256)], blocks);
        }

        var later = new List<Metric> { Points[5], Points[300], Points[^1], new("loss", 1, 1, 1_000) };
        await store.LogBatchAsync(Run, new LogBatch(later, [], []), Cancel);
        await AssertHistoryAsync(store, [.. Points, later[^1]]);
    }

    private static async Task AssertHistoryAsync(PostgresTrackingStore store, List<Metric> points)
    {
        foreach (var key in new[] { "loss", "acc" })
        {
            var expected = points.Where(p => p.Key == key)
                .OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => double.IsNaN(p.Value) ? 0 : p.Value).ToList();
            Assert.Equal(expected, (await store.GetMetricHistoryAsync(new MetricHistoryQuery(Run, key, 10_000, 0), Cancel)).Items);
        }
    }

    private static string OldRows()
    {
        var sql = new StringBuilder("""
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (1, 'old', 'mlflow-artifacts:/1', 'active', 5, 5);
            INSERT INTO runs (run_key, run_uuid, experiment_id, name, status, start_time, end_time, artifact_uri, lifecycle_stage)
            VALUES (1, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 'b', 'RUNNING', 100, NULL, 'x', 'active');
            SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), 10);
            SELECT setval(pg_get_serial_sequence('runs', 'run_key'), 10);
            INSERT INTO metrics (run_key, key, step, timestamp, value, is_nan) VALUES
            """);
        sql.AppendJoin(",\n", Points.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"(1, '{m.Key}', {m.Step}, {m.Timestamp}, {(double.IsNaN(m.Value) ? 0 : m.Value):R}, {(double.IsNaN(m.Value) ? 1 : 0)})")));
        return sql.Append(';').ToString();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
