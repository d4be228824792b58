using System.Globalization;
using System.Text.RegularExpressions;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

/// <summary>The runs table past one page (paged by key), sorted by a metric, grouped by a param, and against a pinned baseline.</summary>
public sealed class RunsTableGroupsAndBaselineTests(UiServer ui) : IClassFixture<UiServer>
{
    private sealed record SeededRun(string Id, string Name, string Lr, double? Loss);

    private static string Text(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Runs with lr in four groups and a loss for all but every tenth run.</summary>
    private async Task<(string ExperimentId, List<SeededRun> Runs)> SeedAsync(int count)
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("scale"));
        var runs = new List<SeededRun>();
        for (var i = 0; i < count; i++)
        {
            var name = $"run-{i:000}";
            var id = await Seed.RunAsync(ui.Client, experimentId, name, 1_700_000_000_000 + i * 1_000);
            var lr = ((i % 4) * 0.01 + 0.01).ToString("0.00", CultureInfo.InvariantCulture);
            double? loss = i % 10 == 9 ? null : ((i * 37) % count) / 1000.0 + (i % 4);
            await Seed.LogAsync(ui.Client, id, loss is { } v ? [("loss", v, 0L)] : [], [("lr", lr)]);
            runs.Add(new SeededRun(id, name, lr, loss));
        }

        return (experimentId, runs);
    }

    private static async Task<List<string>> LoadAllRowsAsync(IPage page, int expected)
    {
        // Scrolling to the end asks for the next page by key until none is left.
        var scroll = page.Locator(".scroll");
        for (var i = 0; i < 60 && await page.Locator($"[data-loaded='{expected}']").CountAsync() == 0; i++)
        {
            await scroll.EvaluateAsync("e => e.scrollTop = e.scrollHeight");
            await page.WaitForTimeoutAsync(150);
        }

        await Expect(page.Locator("[data-loaded]")).ToHaveAttributeAsync("data-loaded", expected.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-loaded]")).ToContainTextAsync($"{expected} matching runs");
        await scroll.EvaluateAsync("e => e.scrollTop = e.scrollHeight");
        await page.WaitForTimeoutAsync(300);
        return [.. await page.Locator("tr[data-run-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)")];
    }

    [Fact]
    public async Task SortByMetric_PagesByKey_ToTheLastRun()
    {
        var (experimentId, runs) = await SeedAsync(230);
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?cols=metrics.loss,params.lr"));

        await page.Locator("th button[data-sort='metrics.loss']").ClickAsync();
        await page.Locator("th button[data-sort='metrics.loss']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("order=metrics.loss(%20|\\+)asc"));
        var ascending = runs.Where(r => r.Loss is not null).OrderBy(r => r.Loss).ToList();
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", ascending[0].Id);
        await Expect(page.Locator("[data-loaded]")).ToContainTextAsync("First 100 runs loaded");
        await Browser.ScreenshotAsync(page, "runs-table-sorted-by-metric");

        // Past the first and second page: the rows at the end are the largest losses, then the runs without a loss.
        var tail = await LoadAllRowsAsync(page, runs.Count);
        var withoutLoss = runs.Where(r => r.Loss is null).Select(r => r.Id).ToHashSet();
        Assert.Equal(withoutLoss.Order(StringComparer.Ordinal), tail.TakeLast(withoutLoss.Count).Order(StringComparer.Ordinal));
        var lastWithLoss = tail.SkipLast(withoutLoss.Count).Last();
        Assert.Equal(ascending[^1].Id, lastWithLoss);
        var cell = page.Locator($"tr[data-run-id='{ascending[^1].Id}'] td[data-column='metrics.loss']");
        await Expect(cell).ToHaveTextAsync(Text(ascending[^1].Loss!.Value));
        await Browser.ScreenshotAsync(page, "runs-table-last-page");
    }

    [Fact]
    public async Task GroupByParam_ShowsCountsAndMeans_AndExpands()
    {
        var (experimentId, runs) = await SeedAsync(24);
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?cols=metrics.loss"));

        await page.GetByLabel("Group by").FillAsync("params.lr");
        await page.GetByLabel("Group by").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("group=params.lr"));
        await Expect(page.Locator("tr.group-row")).ToHaveCountAsync(4);

        foreach (var group in runs.GroupBy(r => r.Lr))
        {
            var row = page.Locator($"tr.group-row[data-group='{group.Key}']");
            await Expect(row.Locator("td[data-group-runs]")).ToHaveTextAsync(group.Count().ToString(CultureInfo.InvariantCulture));
            var mean = group.Where(r => r.Loss is not null).Average(r => r.Loss!.Value);
            var shown = double.Parse((await row.Locator("td[data-metric='metrics.loss']").GetAttributeAsync("data-mean"))!, CultureInfo.InvariantCulture);
            Assert.Equal(mean, shown, 9);
        }

        var first = runs.GroupBy(r => r.Lr).First();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Expand group {first.Key}" }).ClickAsync();
        await Expect(page.Locator($"tr.group-member[data-group-of='{first.Key}']")).ToHaveCountAsync(first.Count());
        Assert.Equal(first.Select(r => r.Id).Order(StringComparer.Ordinal),
            (await page.Locator($"tr.group-member[data-group-of='{first.Key}']").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)")).Order(StringComparer.Ordinal));
        await Browser.ScreenshotAsync(page, "runs-table-grouped");

        // The group's link opens it as a filter; back returns to the grouping.
        await page.GetByRole(AriaRole.Link, new() { Name = "Open this group as a filter" }).ClickAsync();
        await Expect(page.Locator("tr[data-run-id]")).ToHaveCountAsync(first.Count());
        await page.GoBackAsync();
        await Expect(page.Locator("tr.group-row")).ToHaveCountAsync(4);

        // A column that is not a param or tag says how to group.
        await page.GetByLabel("Group by").FillAsync("metrics.loss");
        await page.GetByLabel("Group by").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("group by a param or a tag");
    }

    [Fact]
    public async Task PinnedBaseline_ShowsDeltaAndPercent_InTheUrl()
    {
        var (experimentId, runs) = await SeedAsync(12);
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?cols=metrics.loss"));
        var baseline = runs.First(r => r.Loss is > 0);
        var other = runs.First(r => r.Loss is not null && r.Loss != baseline.Loss && r.Id != baseline.Id);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Pin {baseline.Name} as the baseline" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"baseline={baseline.Id}"));
        await Expect(page.Locator(".baseline-bar")).ToContainTextAsync(baseline.Name);

        var delta = other.Loss!.Value - baseline.Loss!.Value;
        var expected = (delta > 0 ? "+" : "−") + Text(Math.Abs(delta));
        var cell = page.Locator($"tr[data-run-id='{other.Id}'] td[data-column='metrics.loss'] .delta");
        await Expect(cell).ToHaveTextAsync(expected);
        var percent = delta / Math.Abs(baseline.Loss.Value) * 100;
        var expectedPercent = (percent > 0 ? "+" : "−") + Math.Abs(percent).ToString("0.##", CultureInfo.InvariantCulture) + " %";
        await Expect(cell).ToHaveAttributeAsync("title", "%Δ " + expectedPercent);
        await Expect(page.Locator($"tr[data-run-id='{baseline.Id}'] td[data-column='metrics.loss'] .delta")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "runs-table-baseline");

        await page.GetByRole(AriaRole.Button, new() { Name = "Show %Δ" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("delta=pct"));
        await Expect(cell).ToHaveTextAsync(expectedPercent);

        // The URL alone restores the pinned view in another tab.
        var second = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(second, page.Url);
        await Expect(second.Locator($"tr[data-run-id='{other.Id}'] td[data-column='metrics.loss'] .delta")).ToHaveTextAsync(expectedPercent);

        await page.GetByRole(AriaRole.Button, new() { Name = "Unpin" }).ClickAsync();
        await Expect(page.Locator(".baseline-bar")).ToHaveCountAsync(0);
        await Expect(page.Locator(".delta")).ToHaveCountAsync(0);
    }
}
