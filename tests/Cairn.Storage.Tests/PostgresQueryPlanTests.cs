using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Postgres;
using Cairn.Storage.Sql;
using Cairn.Tests.Shared;
using Npgsql;

namespace Cairn.Storage.Tests;

/// <summary>
/// The runs table's default order must be an index walk on PostgreSQL, not a sort of every run of the experiment: the
/// first page over 100,000 runs took about 100 ms when the index's NULLs placement or an <c>= ANY(array)</c> condition
/// made the planner sort. Checked on the plans PostgreSQL picks for the store's own SQL over 5,000 runs.
/// </summary>
public sealed class PostgresQueryPlanTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DefaultOrder_EveryStretch_WalksRunsByExperimentWithoutSorting()
    {
        await using var server = await PostgresTestDatabase.CreateAsync();
        await using var database = PostgresDatabase.Open(server.ConnectionString);
        var store = new PostgresTrackingStore(database, TimeProvider.System);
        var experiment = await store.CreateExperimentAsync("plans", null, [], Cancel);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await ExecuteAsync(connection, $"""
            INSERT INTO runs (run_uuid, experiment_id, name, status, start_time, artifact_uri, lifecycle_stage)
            SELECT md5('plan-' || g), {experiment.Value}, 'run-' || g, 'FINISHED', CASE WHEN g % 250 = 0 THEN NULL ELSE 1700000000000 + g END,
                   'file:///tmp/' || g, 'active'
            FROM generate_series(1, 5000) g;
            ANALYZE runs;
            """);
        var query = new RunQuery([experiment], [], [], ViewType.ActiveOnly, 100, 0);
        var middle = RunCursor.ForStart(1700000002500, "0");
        var amongNeverStarted = RunCursor.ForStart(null, "8");

        foreach (var (cursor, neverStarted) in new[] { ((RunCursor?)null, false), (middle, false), (middle, true), (amongNeverStarted, true) })
        {
            var parameters = new SqlParameters();
            var plan = await ExplainAsync(connection, TrackingReads.DefaultOrderSql(SqlDialect.Postgres, query, cursor, neverStarted, 101, parameters), parameters);

            Assert.Contains("runs_by_experiment", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("\"Sort\"", plan, StringComparison.Ordinal);
        }
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql, SqlParameters parameters)
    {
        await using var command = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, connection);
        parameters.ApplyTo(command);
        return (string)(await command.ExecuteScalarAsync(Cancel))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        // The experiment's run counter is kept by a trigger per row: on a busy machine the load takes a while.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
