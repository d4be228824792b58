// End-to-end metric logging from one .NET process: the fluent run API (background batches) against two
// baselines measured in the same run, one request per metric and sequential 1000-metric log-batch calls.
// Every workload reads back what it logged and fails if a single point is missing.
//
//   dotnet run --project bench/sdk -c Release -- http://127.0.0.1:5000 [metrics=1000000]
using System.Diagnostics;
using Cairn.Client;
using Cairn.Contracts.Mlflow;

var uri = args.Length > 0 ? args[0] : TrackingUri.LocalDefault;
var total = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
const int Keys = 10;
using var client = CairnClient.Create(uri);
var experiment = await client.GetOrCreateExperimentAsync("sdk-bench-" + DateTimeOffset.FromUnixTimeMilliseconds(client.Time.GetUtcNow().ToUnixTimeMilliseconds()).ToString("yyyyMMdd-HHmmss"));

async Task<double> MeasureAsync(string name, int count, Func<string, Task> log)
{
    var run = await client.CreateRunAsync(experiment, name);
    var clock = Stopwatch.StartNew();
    await log(run.Info.RunId);
    var seconds = clock.Elapsed.TotalSeconds;
    await client.UpdateRunAsync(run.Info.RunId, Cairn.Core.Tracking.RunStatus.Finished);
    var stored = 0;
    for (var k = 0; k < Keys; k++)
    {
        stored += (await client.GetMetricHistoryAsync(run.Info.RunId, $"m{k}")).Count;
    }

    if (stored != count)
    {
        throw new InvalidOperationException($"{name}: logged {count} points, the server holds {stored}.");
    }

    var rate = count / seconds;
    Console.WriteLine($"| {name,-38} | {count,9:N0} | {seconds,7:F2} s | {rate,12:N0} |");
    return rate;
}

Console.WriteLine($"| {"workload",-38} | {"metrics",9} | {"time",9} | {"metrics/s",12} |");
Console.WriteLine($"|{new string('-', 40)}|{new string('-', 11)}|{new string('-', 11)}|{new string('-', 14)}|");
var perRequestCount = Math.Min(total, 20_000);
await MeasureAsync("baseline: one request per metric", perRequestCount, async runId =>
{
    for (var i = 0; i < perRequestCount; i++)
    {
        await client.LogMetricAsync(runId, $"m{i % Keys}", i, i / Keys);
    }
});
await MeasureAsync("baseline: sequential log-batch x1000", total, async runId =>
{
    var batch = new List<MetricDto>(1000);
    var now = client.Time.GetUtcNow().ToUnixTimeMilliseconds();
    for (var i = 0; i < total; i++)
    {
        batch.Add(new MetricDto($"m{i % Keys}", i, now, i / Keys));
        if (batch.Count == 1000 || i == total - 1)
        {
            await client.LogBatchAsync(runId, batch);
            batch.Clear();
        }
    }
});
var fluent = await MeasureAsync("fluent run API (LogMetric + dispose)", total, async runId =>
{
    await using var active = await client.ResumeRunAsync(runId);
    for (var i = 0; i < total; i++)
    {
        active.LogMetric($"m{i % Keys}", i, i / Keys);
    }
});
Console.WriteLine();
Console.WriteLine(fluent >= 100_000 ? "target met: >= 100,000 metrics/s" : "TARGET MISSED: < 100,000 metrics/s");
return fluent >= 100_000 ? 0 : 1;
