using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cairn.Core.Tracking;
using Cairn.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

/// <summary>
/// Issue 9's compare speed: parallel coordinates over N runs (10,000: target &lt; 1 s, drawn on the canvas past 2,000 lines)
/// and the compare page with 100 runs × 20 metrics (target &lt; 1.5 s). Starts the real server, seeds through its tracking
/// store, then measures the store read the page makes ("server") and chromium from navigation in a fresh context to the
/// drawn plot ("paint"), beside same-run baselines: the page with an empty filter result, and the compare page with 2 runs.
/// </summary>
internal static class CompareBench
{
    private const int Repeats = 20;
    private const int CompareRuns = 100;
    private const int Keys = 20;
    private const int HistoryLength = 50;

    /// <summary><paramref name="only"/> is <c>parallel</c> or <c>compare</c> to measure one page (null: both).</summary>
    public static async Task RunAsync(int runCount, string backend, string folder, string? only = null, string? traceFolder = null)
    {
        Console.WriteLine($"compare: parallel coordinates over {runCount:N0} runs, compare {CompareRuns} runs × {Keys} metrics; backend {Cairn.Storage.BackendStoreUri.Redact(backend)}");
        var app = CairnApp.Create(["--Server:Port=0", $"--Storage:BackendStoreUri={backend}", $"--Artifacts:Destination={folder}/artifacts", "--Logging:LogLevel:Default=Warning"]);
        var address = await app.StartCairnAsync();
        var store = app.Services.GetRequiredService<ITrackingStore>();
        var cancel = CancellationToken.None;
        var seedClock = Stopwatch.StartNew();

        // Parallel coordinates: N runs, 10 numeric params and 10 metrics each (one point per metric).
        var wide = await store.CreateExperimentAsync("bench-parallel", null, [], cancel);
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next) - 1) < runCount)
            {
                var run = await store.CreateRunAsync(new NewRun(wide, "bench", $"run-{i:00000}", 1_700_000_000_000 + i, []), cancel);
                await store.LogBatchAsync(run.Info.RunId, new LogBatch(
                    [.. Enumerable.Range(0, 10).Select(j => new Metric($"m{j:00}", (i * 31 + j * 7) % 1_000 / 1_000.0, 1_700_000_000_000 + i, 0))],
                    [.. Enumerable.Range(0, 10).Select(j => new KeyValue($"p{j:00}", ((i + j * 3) % (5 + j)).ToString(CultureInfo.InvariantCulture)))], []), cancel);
            }
        }));

        // Compare: 100 runs × 20 params × 20 metrics with 50 steps each.
        var narrow = await store.CreateExperimentAsync("bench-compare", null, [], cancel);
        var compared = new List<RunId>();
        for (var i = 0; i < CompareRuns; i++)
        {
            var run = await store.CreateRunAsync(new NewRun(narrow, "bench", $"cmp-{i:000}", 1_700_000_000_000 + i, []), cancel);
            var history = Enumerable.Range(0, HistoryLength).SelectMany(step => Enumerable.Range(0, Keys)
                .Select(j => new Metric($"metric_{j:00}", Math.Exp(-step / 10.0) * (1 + (i * 13 + j) % 17 / 17.0), 1_700_000_000_000 + step, step))).ToList();
            await store.LogBatchAsync(run.Info.RunId, new LogBatch(history,
                [.. Enumerable.Range(0, Keys).Select(j => new KeyValue($"param_{j:00}", ((i * 7 + j) % 11).ToString(CultureInfo.InvariantCulture)))], []), cancel);
            compared.Add(run.Info.RunId);
        }

        Console.WriteLine($"seeded in {seedClock.Elapsed.TotalSeconds:0} s");

        var timings = new Timings(Repeats);
        Task Measure(string name, string target, Func<Task> action) => timings.Measure(name, target, action);

        // --compare-runs 0 measures the compare page alone.
        var parallel = runCount > 0 && only is null or "parallel";
        var compare = only is null or "compare";
        using var http = new HttpClient { BaseAddress = address };
        if (parallel)
        {
            // The read the page made before it read columns, as a baseline for the one it makes now.
            await Measure($"parallel coordinates, server, whole runs (read {runCount:N0} runs with params and latest metrics)", "—", () =>
                store.SearchRunsAsync(new RunQuery([wide], [], [], ViewType.ActiveOnly, runCount, 0) { Parts = RunParts.Metrics | RunParts.Params }, cancel));
            await Measure($"parallel coordinates, server (read {runCount:N0} runs as param and latest-metric columns)", "—", () =>
                store.GetRunColumnsAsync(new RunColumnQuery([wide], [], ViewType.ActiveOnly, runCount, null, null), cancel));
            await Measure($"parallel coordinates over {runCount:N0} runs, HTML alone (prerendered page over HTTP)", "—", () =>
                http.GetStringAsync($"/experiments/{wide}/parallel"));
        }

        if (compare)
        {
            await Measure($"compare {CompareRuns} runs, HTML alone (prerendered page over HTTP)", "—", () =>
                http.GetStringAsync($"/compare?runs={string.Join(",", compared)}"));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", ChromiumFeatures.DisableSwitch()],
        });
        var drawTimes = new List<double>();
        var phases = new List<double[]>();
        var drawn = new List<double>();
        // The tab is opened outside the clock (a user's browser is already open). Two figures per navigation:
        // "drawn": the page's own clock, from navigation start to the frame after every selector is in the document (an
        // init script watches the parser's mutations, so nothing polls the page while it loads); "Playwright's sighting":
        // from navigation, through the load event, until Playwright has found every selector.
        async Task Paint(string name, string url, string[] selectors) => await timings.MeasureTimed(name + ", Playwright's sighting", "—", async () =>
        {
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
            var page = await context.NewPageAsync();
            await page.AddInitScriptAsync(DrawnProbe.Replace("__SELECTORS__", JsonSerializer.Serialize(selectors), StringComparison.Ordinal));
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(address, url).ToString(), new() { Timeout = 120_000 });
            foreach (var selector in selectors)
            {
                await page.Locator(selector).First.WaitForAsync(new() { Timeout = 120_000, State = WaitForSelectorState.Attached });
            }

            var elapsed = clock.Elapsed;
            drawn.Add(await (await page.WaitForFunctionAsync("() => window.__cairnDrawn.painted >= 0 && window.__cairnDrawn.painted",
                null, new() { Timeout = 120_000 })).JsonValueAsync<double>());
            phases.Add(await page.EvaluateAsync<double[]>(PaintProbe.NavigationTimeline));
            if (await page.Locator("cairn-parallel[data-paint-ms]").CountAsync() > 0)
            {
                drawTimes.Add(double.Parse((await page.Locator("cairn-parallel").GetAttributeAsync("data-paint-ms"))!, CultureInfo.InvariantCulture));
            }

            await context.DisposeAsync();
            return elapsed;
        });

        // Runs Paint and records its "drawn" figures (the warm-up navigation's left out, as Timings leaves out its time).
        async Task Drawn(string name, string target, string url, params string[] selectors)
        {
            phases.Clear();
            drawn.Clear();
            await Paint(name, url, selectors);
            timings.Record(name + ", drawn", target, drawn.Skip(1).ToList());
            PrintPhases(phases);
        }

        if (parallel)
        {
            await Drawn("parallel coordinates, paint, baseline (filter matching no run)", "—",
                $"/experiments/{wide}/parallel?filter={Uri.EscapeDataString("params.p00 = 'none'")}", "[data-run-count='0']");
            drawTimes.Clear();
            await Drawn($"parallel coordinates over {runCount:N0} runs, paint (to the canvas drawn)", "< 1 s",
                $"/experiments/{wide}/parallel", $"cairn-parallel[data-drawn='{runCount}']");
        }

        if (drawTimes.Count > 0)
        {
            drawTimes.Sort();
            Console.WriteLine($"  canvas drawing alone (data-paint-ms): p50 {drawTimes[drawTimes.Count / 2]:0.0} ms, max {drawTimes[^1]:0.0} ms");
        }

        string CompareUrl(IEnumerable<RunId> runs) => $"/compare?runs={string.Join(",", runs)}";
        // A contour needs three runs; the 2-run baseline shows its hint instead.
        string[] compareDrawn(int n) =>
        [
            "table.diff tbody tr", "figure[data-metric] svg[data-points]", $"svg.parallel[data-lines='{n}']", n >= 3 ? "svg.contour" : "section[aria-labelledby='contour'] .empty",
            $"table[aria-label$='at the best step of metric_00'] tbody tr:nth-child({n})",
        ];
        if (compare)
        {
            await Drawn("compare 2 runs × 20 metrics, paint (baseline)", "—", CompareUrl(compared.Take(2)), compareDrawn(2));
            await Drawn($"compare {CompareRuns} runs × {Keys} metrics, paint (diff, overlay chart, scatter, box, contour, parallel, best step)", "< 1.5 s",
                CompareUrl(compared), compareDrawn(CompareRuns));
            if (traceFolder is not null)
            {
                Directory.CreateDirectory(traceFolder);
                var file = Path.Combine(traceFolder, "compare.json");
                await PaintProbe.TraceAsync(browser, new Uri(address, CompareUrl(compared)), "table.diff tbody tr", file);
                Console.WriteLine($"trace of one warm navigation: {file}");
            }
        }

        await app.StopAsync();
        timings.PrintTable();
    }

    /// <summary>Sets <c>window.__cairnDrawn.painted</c> (ms from navigation start) at the frame after the selectors are all in the document.</summary>
    private const string DrawnProbe = """
        (() => {
            const selectors = __SELECTORS__;
            const seen = window.__cairnDrawn = { present: -1, painted: -1 };
            const check = () => {
                if (seen.present >= 0 || !selectors.every(s => document.querySelector(s))) return;
                seen.present = performance.now();
                watcher.disconnect();
                requestAnimationFrame(() => setTimeout(() => seen.painted = performance.now(), 0));
            };
            const watcher = new MutationObserver(check);
            watcher.observe(document, { childList: true, subtree: true, attributes: true });
        })();
        """;

    private static void PrintPhases(List<double[]> phases)
    {
        string Median(int i)
        {
            var values = phases.Select(p => p[i]).Order().ToList();
            return values[values.Count / 2].ToString("0", CultureInfo.InvariantCulture);
        }

        Console.WriteLine($"  browser medians (ms from navigation): first byte {Median(0)}, last byte {Median(1)}, DOM interactive {Median(2)}, " +
            $"DOMContentLoaded {Median(3)}, load {Median(4)}, first contentful paint {Median(5)}; HTML {Median(6)} bytes");
    }
}
