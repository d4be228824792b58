using System.Globalization;
using System.Text.RegularExpressions;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

/// <summary>Issue 8's honest charts at a million points and with several metrics; issue 9's compare page.</summary>
public sealed class ChartsAndCompareTests(UiServer ui) : IClassFixture<UiServer>
{
    // The run page's charts are 640 wide with 64 pixels of axis and margin: they ask for 576 pixels.
    private const int PlotPixels = 576;
    private const string Cairn = "/api/2.0/cairn/";

    [Fact]
    public async Task Issue8_MillionPointChart_DrawsExactlyThePointsTheEndpointAnswers_WithItsSpikes()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("million"));
        var runId = await Seed.RunAsync(ui.Client, experimentId, "long-history");
        static double Value(long step) => step switch { 123_457 => 50, 876_543 => -50, _ => Math.Sin(step / 40_000.0) + step % 7 / 100.0 };
        await Parallel.ForEachAsync(Enumerable.Range(0, 1_000), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken },
            async (chunk, _) => await Seed.LogAsync(ui.Client, runId, Enumerable.Range(chunk * 1_000, 1_000).Select(s => ("loss", Value(s), (long)s))));
        await ui.Client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 1_700_000_900_000 });

        var answer = (await ui.Client.OkGetAsync($"metrics/get-history-downsampled?run_id={runId}&metric_key=loss&pixels={PlotPixels}", Cairn)).Json;
        Assert.Equal(1_000_000, answer["total_points"]!.GetValue<long>());
        Assert.Equal("minmax-lttb", answer["method"]!.GetValue<string>());
        var steps = answer["points"]!.AsArray().Select(p => p!["step"]!.GetValue<long>()).ToList();
        Assert.Contains(123_457L, steps);
        Assert.Contains(876_543L, steps);
        Assert.Equal(50, answer["buckets"]!.AsArray().Max(b => b!["max"]!.GetValue<double>()));
        Assert.Equal(-50, answer["buckets"]!.AsArray().Min(b => b!["min"]!.GetValue<double>()));

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{runId}"));
        var svg = page.Locator("figure[data-metric='loss'] svg");
        await Expect(svg).ToHaveAttributeAsync("data-total", "1000000");
        var expected = answer["points"]!.AsArray().Count;
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), await svg.GetAttributeAsync("data-points"));
        Assert.Equal(expected, await DrawnPointsAsync(page, "figure[data-metric='loss'] path.series"));
        await Expect(page.Locator("figure[data-metric='loss'] .count")).ToHaveTextAsync($"{expected:N0} of 1,000,000 points");
        await Browser.ScreenshotAsync(page, "chart-million-points");

        // Zooming asks the server again for the narrower range.
        await page.GetByRole(AriaRole.Button, new() { Name = "Zoom in on loss" }).ClickAsync();
        var zoomed = (await ui.Client.OkGetAsync(
            $"metrics/get-history-downsampled?run_id={runId}&metric_key=loss&pixels={PlotPixels}&start=249999.75&end=749999.25", Cairn)).Json;
        await Expect(svg).ToHaveAttributeAsync("data-total", zoomed["total_points"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(zoomed["points"]!.AsArray().Count, await DrawnPointsAsync(page, "figure[data-metric='loss'] path.series"));
    }

    [Fact]
    public async Task Issue8_SeveralMetricsInOneChart_EachWithItsOwnLineAndCount()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("overlay"));
        var runId = await Seed.RunAsync(ui.Client, experimentId, "two-metrics");
        await Seed.LogAsync(ui.Client, runId, Enumerable.Range(0, 3_000).SelectMany(s => new[]
        {
            ("loss", 2.0 / (s + 1) + (s == 1_500 ? 40 : 0), (long)s),
            ("acc", 1 - 1.0 / (s + 2), (long)s),
        }));

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{runId}"));
        await page.GetByText("Several metrics in one chart").ClickAsync();
        await page.GetByLabel("Overlay loss").CheckAsync();
        await page.GetByLabel("Overlay acc").CheckAsync();

        var overlay = page.Locator("figure[data-metric='loss · acc']");
        await Expect(overlay.Locator("svg")).ToHaveAttributeAsync("data-series", "2");
        await Expect(overlay.Locator("path.series")).ToHaveCountAsync(2);
        foreach (var key in new[] { "loss", "acc" })
        {
            var answer = (await ui.Client.OkGetAsync($"metrics/get-history-downsampled?run_id={runId}&metric_key={key}&pixels={PlotPixels}", Cairn)).Json;
            var count = answer["points"]!.AsArray().Count;
            Assert.Equal(count, await DrawnPointsAsync(page, $"figure[data-metric='loss · acc'] path.series[data-series='{key}']"));
            await Expect(overlay.Locator($"li[data-series='{key}']")).ToContainTextAsync($"{count:N0} of 3,000");
        }

        // Ignoring outliers bounds the y axis by the percentiles, so the spike of 40 no longer sets the top.
        await page.GetByLabel("Ignore outliers").CheckAsync();
        await Expect(overlay.Locator(".outliers")).ToBeVisibleAsync();
        await Expect(overlay.Locator("text.axis").First).Not.ToHaveTextAsync(new Regex("^40"));
        await Browser.ScreenshotAsync(page, "chart-several-metrics");
    }

    [Fact]
    public async Task Issue9_CompareTwoRuns_HidesIdenticalValues_AndShowsDeltaAgainstThePinnedBaseline()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("compare"));
        var first = await Seed.RunAsync(ui.Client, experimentId, "baseline-run");
        var second = await Seed.RunAsync(ui.Client, experimentId, "candidate-run");
        await Seed.LogAsync(ui.Client, first, [("val_loss", 0.9, 0), ("val_loss", 0.5, 1), ("val_loss", 0.7, 2), ("test_acc", 0.6, 0), ("test_acc", 0.8, 1), ("test_acc", 0.85, 2)],
            [("lr", "0.1"), ("seed", "1")]);
        await Seed.LogAsync(ui.Client, second, [("val_loss", 0.8, 0), ("val_loss", 0.6, 1), ("val_loss", 0.4, 2), ("test_acc", 0.7, 0), ("test_acc", 0.75, 1), ("test_acc", 0.9, 2)],
            [("lr", "0.2"), ("seed", "1")]);

        // From the experiment's runs: the picker carries the chosen ids into the compare page's address.
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Compare runs" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"compare\\?experiment={experimentId}$"));
        await Browser.WaitForInteractiveAsync(page);
        await page.GetByLabel("Compare baseline-run").CheckAsync();
        await page.GetByLabel("Compare candidate-run").CheckAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Compare 2 runs" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"compare\\?runs={first},{second}$"));

        // seed is the same in both runs and hidden; lr and the metrics differ.
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Differences between runs" });
        await Expect(table.Locator("tr[data-field='params.seed']")).ToHaveCountAsync(0);
        await Expect(page.Locator("p[data-hidden]")).ToBeVisibleAsync();
        Assert.Equal("1", await page.Locator("p[data-hidden]").GetAttributeAsync("data-hidden"));
        var loss = (await DiffCellAsync(table, "metrics.val_loss", second)).Locator(".delta");
        await Expect(loss).ToHaveTextAsync("Δ -0.3 (-42.9 %)");
        await Expect((await DiffCellAsync(table, "params.lr", second)).Locator(".delta")).ToHaveTextAsync("Δ +0.1 (+100 %)");
        await Browser.ScreenshotAsync(page, "compare-two-runs");

        // Pinning the other run turns the Δ around, and the choice is in the address.
        await page.GetByLabel("Baseline run").SelectOptionAsync(second);
        await Expect(page).ToHaveURLAsync(new Regex($"baseline={second}"));
        await Expect((await DiffCellAsync(table, "metrics.val_loss", first)).Locator(".delta")).ToHaveTextAsync("Δ +0.3 (+75 %)");
        await page.GetByLabel("Show identical values").CheckAsync();
        await Expect(table.Locator("tr[data-field='params.seed']")).ToHaveCountAsync(1);

        // Both runs in the overlaid chart and the scatter; test accuracy at the lowest validation loss.
        await Expect(page.Locator("figure.chart svg")).ToHaveAttributeAsync("data-series", "2");
        await Expect(page.Locator("svg.scatter")).ToHaveAttributeAsync("data-dots", "2");
        await page.GetByLabel("Metric A").SelectOptionAsync("metrics.val_loss");
        await page.GetByLabel("Metric B").SelectOptionAsync("metrics.test_acc");
        var best = page.GetByRole(AriaRole.Table, new() { Name = "test_acc at the best step of val_loss" });
        await Expect(best.Locator($"tr[data-run-id='{first}'] td").Nth(3)).ToHaveTextAsync("0.8");
        await Expect(best.Locator($"tr[data-run-id='{second}'] td").Nth(3)).ToHaveTextAsync("0.9");
        await Browser.ScreenshotAsync(page, "compare-baseline-switched");

        // The overlaid chart is interactive on the otherwise circuit-less page: it zooms.
        await Browser.WaitForInteractiveAsync(page);
        var chart = page.Locator("figure.chart");
        await chart.GetByRole(AriaRole.Button, new() { Name = "Zoom in on test_acc" }).ClickAsync();
        await Expect(chart.GetByRole(AriaRole.Button, new() { Name = "Reset zoom of test_acc" })).ToBeEnabledAsync();

        // Back, choice by choice: the baseline is the first run again.
        await page.GoBackAsync();
        await page.GoBackAsync();
        await page.GoBackAsync();
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"compare\\?runs={first},{second}$"));
        await Expect((await DiffCellAsync(table, "metrics.val_loss", second)).Locator(".delta")).ToHaveTextAsync("Δ -0.3 (-42.9 %)");

        // Narrow window: still usable.
        await page.SetViewportSizeAsync(480, 800);
        await Expect(table).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "compare-narrow");
    }

    [Fact]
    public async Task Issue9_ComparePage_WithoutRuns_SaysWhatToDo()
    {
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url("/compare"));
        await Expect(page.Locator(".empty")).ToContainTextAsync("compare?runs=ID1,ID2");
        await Browser.OpenAsync(page, ui.Url($"/compare?runs={Guid.NewGuid():N}"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No run has the id");
    }

    /// <summary>The diff table's cell of a field for a run: the cell under the run's column heading.</summary>
    private static async Task<ILocator> DiffCellAsync(ILocator table, string field, string runId)
    {
        await Expect(table.Locator($"thead th[data-run-id='{runId}']")).ToHaveCountAsync(1);
        var headings = await table.Locator("thead th").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.runId || '')");
        return table.Locator($"tr[data-field='{field}'] > :nth-child({Array.IndexOf(headings, runId) + 1})");
    }

    private static async Task<int> DrawnPointsAsync(IPage page, string selector)
    {
        var d = await page.Locator(selector).GetAttributeAsync("d") ?? "";
        return Regex.Matches(d, "[ML]").Count;
    }
}
