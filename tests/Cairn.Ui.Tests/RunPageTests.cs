using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

public sealed class RunPageTests(UiServer ui) : IClassFixture<UiServer>
{
    // The chart is 640 wide with 64 pixels of axis and margin: it asks for 576 pixels.
    private const int PlotPixels = 576;

    private static readonly Dictionary<long, double> Spikes = new() { [2_345] = 900, [11_111] = -900 };

    private static double Value(long step) => Spikes.TryGetValue(step, out var spike) ? spike : Math.Cos(step / 1_500.0) + (step % 17) / 50.0;

    [Fact]
    public async Task Chart_DrawsExactlyThePointsTheEndpointAnswers_AndZoomQueriesAgain()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("charts"));
        var runId = await Seed.RunAsync(ui.Client, experimentId, "long-history");
        await Seed.LogAsync(ui.Client, runId, Enumerable.Range(0, 20_000).Select(s => ("loss", Value(s), (long)s)), [("trees", "200")]);
        await ui.Client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 1_700_000_900_000 });

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{runId}"));
        var svg = page.Locator("figure[data-metric='loss'] svg");
        await Expect(svg).ToHaveAttributeAsync("data-total", "20000");

        var answer = (await ui.Client.OkGetAsync($"metrics/get-history-downsampled?run_id={runId}&metric_key=loss&pixels={PlotPixels}", "/api/2.0/cairn/")).Json;
        var expected = answer["points"]!.AsArray().Count;
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), await svg.GetAttributeAsync("data-points"));
        Assert.Equal(expected, await DrawnPointsAsync(page));
        Assert.Single(await page.Locator("figure[data-metric='loss'] path.series").AllAsync());
        await Expect(page.Locator("figure[data-metric='loss'] .count")).ToHaveTextAsync($"{expected:N0} of 20,000 points");

        // Both spikes are in the answer the chart drew, and in its min/max band.
        Assert.All(Spikes.Keys, step => Assert.Contains(step, answer["points"]!.AsArray().Select(p => p!["step"]!.GetValue<long>())));
        Assert.Single(await page.Locator("figure[data-metric='loss'] path.envelope").AllAsync());

        // The summaries and params come from the stored columns.
        await Expect(page.Locator("tr[data-metric='loss'] td").Nth(2)).ToHaveTextAsync("-900");
        await Expect(page.Locator("tr[data-metric='loss'] td").Nth(3)).ToHaveTextAsync("900");
        await Expect(page.Locator("tr[data-metric='loss'] td").Nth(4)).ToHaveTextAsync("20,000");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Parameters" })).ToContainTextAsync("200");
        await Browser.ScreenshotAsync(page, "run-page-chart");

        // Zoom in: the middle half of steps 0..19,999, asked again from the server.
        await page.GetByRole(AriaRole.Button, new() { Name = "Zoom in on loss" }).ClickAsync();
        var zoomed = (await ui.Client.OkGetAsync(
            $"metrics/get-history-downsampled?run_id={runId}&metric_key=loss&pixels={PlotPixels}&start=4999.75&end=14999.25", "/api/2.0/cairn/")).Json;
        await Expect(svg).ToHaveAttributeAsync("data-total", zoomed["total_points"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(zoomed["points"]!.AsArray().Count, await DrawnPointsAsync(page));
        await Browser.ScreenshotAsync(page, "run-page-chart-zoomed");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reset zoom of loss" }).ClickAsync();
        await Expect(svg).ToHaveAttributeAsync("data-total", "20000");
    }

    [Fact]
    public async Task LivePoint_ArrivesWithinTwoSeconds_WithoutReloading()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("live"));
        var runId = await Seed.RunAsync(ui.Client, experimentId, "training");
        await Seed.LogAsync(ui.Client, runId, [("acc", 0.5, 0L)]);

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{runId}"));
        await Expect(page.Locator(".live")).ToBeVisibleAsync();
        await Expect(page.Locator("figure[data-metric='acc'] svg")).ToHaveAttributeAsync("data-total", "1");
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;

        var clock = Stopwatch.StartNew();
        await Seed.LogAsync(ui.Client, runId, [("acc", 0.75, 1L)]);
        await Expect(page.Locator("[data-latest-step='1']")).ToBeVisibleAsync(new() { Timeout = 2_000 });
        await Expect(page.Locator("figure[data-metric='acc'] svg")).ToHaveAttributeAsync("data-total", "2", new() { Timeout = 2_000 });
        Assert.InRange(clock.ElapsedMilliseconds, 0, 2_000);
        Assert.Equal(0, navigations);
        await Browser.ScreenshotAsync(page, "run-page-live");

        // Ending the run reaches the page too.
        await ui.Client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 1_700_000_100_000 });
        await Expect(page.Locator("[data-status]")).ToHaveTextAsync("FINISHED", new() { Timeout = 2_000 });
        await Expect(page.Locator(".live")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TagsAndNotes_AreEditedOnThePage_AndStoredOnTheRun()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("tags"));
        var runId = await Seed.RunAsync(ui.Client, experimentId, "tagged");
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{runId}"));
        await Expect(page.Locator(".empty")).ToContainTextAsync("no metrics yet");

        await page.GetByLabel("Tag key").FillAsync("team");
        await page.GetByLabel("Tag value").FillAsync("vision");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set tag" }).ClickAsync();
        await Expect(page.Locator("tr[data-tag='team']")).ToContainTextAsync("vision");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Notes" }).FillAsync("baseline with 200 trees");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save notes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Notes saved");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);

        var tags = (await ui.Client.GetRunAsync(runId))["data"]!["tags"]!.AsArray();
        Assert.Contains(tags, t => t!["key"]!.GetValue<string>() == "team" && t["value"]!.GetValue<string>() == "vision");
        Assert.Contains(tags, t => t!["key"]!.GetValue<string>() == "mlflow.note.content" && t["value"]!.GetValue<string>() == "baseline with 200 trees");

        await page.Locator("tr[data-tag='team']").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.Locator("tr[data-tag='team']")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "run-page-tags");
    }

    private static async Task<int> DrawnPointsAsync(IPage page)
    {
        var d = await page.Locator("figure[data-metric='loss'] path.series").GetAttributeAsync("d") ?? "";
        return Regex.Matches(d, "[ML]").Count;
    }
}
