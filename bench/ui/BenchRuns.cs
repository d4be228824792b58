using System.Globalization;
using Cairn.Core.Tracking;

/// <summary>
/// The runs of issue 8's data set as a function of their number i: run <c>run-{i:000000}</c>, started at
/// 1,700,000,000,000 + i, with 20 params, 10 tags and 20 metrics of one point each over 2,000 distinct metric keys.
/// <see cref="LogAsync"/> writes them through the store port as a client would; <see cref="BulkRunSeed"/> writes the same
/// rows with set-based SQL, and <see cref="SeedCheck"/> proves the two agree.
/// </summary>
internal static class BenchRuns
{
    public const int MetricKeys = 2_000;
    public const long StartTime = 1_700_000_000_000;

    public static string Name(int i) => $"run-{i:000000}";

    /// <summary>Metric j of run i: key <c>metric_{(7i + 101j) mod 2000}</c> (20 distinct keys per run), value ((31i + j) mod 997) / 997.</summary>
    public static List<Metric> Metrics(int i) =>
        [.. Enumerable.Range(0, 20).Select(j => new Metric($"metric_{(i * 7 + j * 101) % MetricKeys:0000}", (i * 31 + j) % 997 / 997.0, StartTime + i, 0))];

    public static List<KeyValue> Params(int i) =>
        [.. Enumerable.Range(0, 20).Select(j => new KeyValue($"param_{j:00}", ((i + j) % 13).ToString(CultureInfo.InvariantCulture)))];

    public static List<KeyValue> Tags(int i) => [.. Enumerable.Range(0, 10).Select(j => new KeyValue($"tag_{j}", $"v{(i + j) % 5}"))];

    /// <summary>Runs first … first + count - 1 through the store, 16 at a time.</summary>
    public static async Task LogAsync(ITrackingStore store, ExperimentId experiment, int first, int count)
    {
        var next = first;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next) - 1) < first + count)
            {
                var run = await store.CreateRunAsync(new NewRun(experiment, "bench", Name(i), StartTime + i, []), CancellationToken.None);
                await store.LogBatchAsync(run.Info.RunId, new LogBatch(Metrics(i), Params(i), Tags(i)), CancellationToken.None);
            }
        }));
    }
}
