using System.Globalization;
using System.Text.RegularExpressions;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

public sealed class RunsTableTests(UiServer ui) : IClassFixture<UiServer>
{
    private sealed record SeededRun(string Id, string Name, string Lr, double Min);

    private async Task<(string ExperimentId, List<SeededRun> Runs)> SeedAsync()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("table"));
        var runs = new List<SeededRun>();
        for (var i = 0; i < 24; i++)
        {
            var name = $"run-{i:00}";
            var id = await Seed.RunAsync(ui.Client, experimentId, name, 1_700_000_000_000 + i * 1_000);
            var lr = ((i % 4) * 0.01).ToString("0.00", CultureInfo.InvariantCulture);
            // The minimum is in the middle of the history, so sorting by min differs from sorting by the last value.
            var min = ((i * 7) % 24) / 100.0;
            double[] values = [5 + i, min, 0.9 - i / 100.0];
            await Seed.LogAsync(ui.Client, id, values.Select((v, step) => ("loss", v, (long)step)), [("lr", lr), ("extra_key_" + i, "x")]);
            runs.Add(new SeededRun(id, name, lr, min));
        }

        return (experimentId, runs);
    }

    private static async Task<List<string>> RunIdsAsync(IPage page)
    {
        await page.Locator("tr[data-run-id]").First.WaitForAsync();
        return [.. await page.Locator("tr[data-run-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)")];
    }

    [Fact]
    public async Task Filter_Columns_Sort_AndBack_AllKeptInTheUrl()
    {
        var (experimentId, runs) = await SeedAsync();
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}"));
        await Expect(page.Locator("[data-run-count]")).ToContainTextAsync("24 active runs");
        Assert.NotEmpty(await RunIdsAsync(page));

        // Filter in MLflow's search language.
        await page.GetByLabel("Filter runs").FillAsync("params.lr = '0.01'");
        await page.GetByLabel("Filter runs").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("filter=params.lr"));
        await Expect(page.Locator("tr[data-run-id]")).ToHaveCountAsync(6);
        Assert.Equal(runs.Where(r => r.Lr == "0.01").Select(r => r.Id).Order(), (await RunIdsAsync(page)).Order());

        // A column from the type-ahead: the write-time minimum of a metric.
        await page.GetByLabel("Add a column").PressSequentiallyAsync("metrics.lo");
        await page.GetByRole(AriaRole.Option, new() { Name = "metrics.loss~min" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("cols=metrics.loss"));
        await Expect(page.Locator("th button[data-sort='metrics.loss~min']")).ToBeVisibleAsync();

        // Sorting by it: descending first, then ascending.
        var filtered = runs.Where(r => r.Lr == "0.01").ToList();
        await page.Locator("th button[data-sort='metrics.loss~min']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("order=metrics.loss~min(%20|\\+)desc"));
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", filtered.MaxBy(r => r.Min)!.Id);
        var minCell = page.Locator($"tr[data-run-id='{filtered.MaxBy(r => r.Min)!.Id}'] td").Last;
        await Expect(minCell).ToHaveTextAsync(filtered.Max(r => r.Min).ToString("0.######", CultureInfo.InvariantCulture));
        await Browser.ScreenshotAsync(page, "runs-table-sorted");

        await page.Locator("th button[data-sort='metrics.loss~min']").ClickAsync();
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", filtered.MinBy(r => r.Min)!.Id);
        Assert.Equal(filtered.OrderBy(r => r.Min).Select(r => r.Id), await RunIdsAsync(page));

        // Back returns to the previous order; the URL alone restores the table.
        await page.GoBackAsync();
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", filtered.MaxBy(r => r.Min)!.Id);
        var shared = page.Url;
        var second = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(second, shared);
        Assert.Equal(filtered.OrderByDescending(r => r.Min).Select(r => r.Id), await RunIdsAsync(second));

        // A run name is a real link to the run page.
        await page.Locator("tr[data-run-id] a").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/runs/[0-9a-f]{32}$"));
    }

    [Fact]
    public async Task BadFilter_SaysWhatIsWrong_AndHowToWriteIt()
    {
        var (experimentId, _) = await SeedAsync();
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?filter=" + Uri.EscapeDataString("metrics.loss <<< 1")));
        var error = page.GetByRole(AriaRole.Alert);
        await Expect(error).ToContainTextAsync("Examples:");
        await Expect(page.Locator("tr[data-run-id]")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "runs-table-bad-filter");

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Expect(error).ToHaveCountAsync(0);
        Assert.NotEmpty(await RunIdsAsync(page));
    }

    [Fact]
    public async Task SortByAttributeColumn_OrdersByStartTime()
    {
        var (experimentId, runs) = await SeedAsync();
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?order=start%20asc"));
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", runs[0].Id);
        await page.Locator("th button[data-sort='start']").ClickAsync();
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", runs[^1].Id);
    }
}
