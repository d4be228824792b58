using System.Diagnostics;

/// <summary>
/// Repeated timings of one action after a warm-up call (shared by bench/ui and bench/artifact-previews): each is printed
/// as it finishes and all of them again as a table at the end.
/// </summary>
internal sealed class Timings(int repeats)
{
    private readonly List<(string Name, double P50, double P95, string Target)> _results = [];

    public async Task Measure(string name, string target, Func<Task> action, int? times = null) =>
        await MeasureTimed(name, target, async () =>
        {
            var clock = Stopwatch.StartNew();
            await action();
            return clock.Elapsed;
        }, times);

    /// <summary>As <see cref="Measure"/>, for actions that time only their own part (a browser tab opened outside the clock).</summary>
    public async Task MeasureTimed(string name, string target, Func<Task<TimeSpan>> action, int? times = null)
    {
        await action();
        var elapsed = new List<double>();
        for (var i = 0; i < (times ?? repeats); i++)
        {
            elapsed.Add((await action()).TotalMilliseconds);
        }

        Record(name, target, elapsed);
    }

    /// <summary>Adds a row for times measured elsewhere (the browser's own figures).</summary>
    public void Record(string name, string target, List<double> times)
    {
        times.Sort();
        var p50 = times[times.Count / 2];
        var p95 = times[(int)Math.Ceiling(times.Count * 0.95) - 1];
        _results.Add((name, p50, p95, target));
        Console.WriteLine($"{name}: p50 {p50:0.0} ms, p95 {p95:0.0} ms (target {target})");
    }

    public void PrintTable()
    {
        Console.WriteLine();
        Console.WriteLine("| measurement | p50 | p95 | target |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, p50, p95, target) in _results)
        {
            Console.WriteLine($"| {name} | {p50:N0} ms | {p95:N0} ms | {target} |");
        }
    }
}
