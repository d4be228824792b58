using System.Globalization;
using System.Text.RegularExpressions;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

/// <summary>The server with a two-minute undo window, so a loaded test machine still undoes within it.</summary>
public sealed class BulkUiServer() : UiServer(new LongUndoServer())
{
    private sealed class LongUndoServer : CairnServer
    {
        protected override IEnumerable<string> ExtraArguments => ["--Bulk:UndoWindow=00:02:00"];
    }
}

/// <summary>Bulk actions in the runs table: select a whole filter result past the loaded page, delete it, undo.</summary>
public sealed class BulkActionsTests(BulkUiServer ui) : IClassFixture<BulkUiServer>
{
    private async Task<int> ActiveRunsAsync(string experimentId)
    {
        var reply = await ui.Client.OkAsync("runs/search", new { experiment_ids = new[] { experimentId }, max_results = 1000 });
        return reply.Json["runs"]?.AsArray().Count ?? 0;
    }

    [Fact]
    public async Task BulkDeleteAFilterResult_ThenUndo()
    {
        const int Old = 130;
        const int Keep = 3;
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("bulk"));
        for (var i = 0; i < Old + Keep; i++)
        {
            var id = await Seed.RunAsync(ui.Client, experimentId, $"run-{i:000}", 1_700_000_000_000 + i * 1_000);
            await Seed.LogAsync(ui.Client, id, [], [("cohort", i < Old ? "old" : "keep")]);
        }

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?filter={Uri.EscapeDataString("params.cohort = 'old'")}"));
        await Expect(page.Locator("[data-run-count]")).ToHaveAttributeAsync("data-run-count", (Old + Keep).ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-loaded]")).ToContainTextAsync("First 100 runs loaded");

        // Ticking the header selects the loaded page; the bar then offers every run the filter matches, beyond the page.
        await page.GetByLabel("Select all loaded runs").CheckAsync();
        await Expect(page.Locator(".bulk-count")).ToContainTextAsync("100 runs selected");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Select all {Old} runs matching the filter" }).ClickAsync();
        await Expect(page.Locator(".bulk-count")).ToContainTextAsync($"All {Old} runs matching the filter selected");

        // The confirmation shows the preview count; Escape closes it without doing anything.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.Locator("[data-preview-runs]")).ToHaveAttributeAsync("data-preview-runs", Old.ToString(CultureInfo.InvariantCulture));
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = $"Delete {Old} runs" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal(Old + Keep, await ActiveRunsAsync(experimentId));

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete…" }).ClickAsync();
        await Expect(dialog.Locator("[data-preview-runs]")).ToHaveAttributeAsync("data-preview-runs", Old.ToString(CultureInfo.InvariantCulture));
        await Browser.ScreenshotAsync(page, "bulk-delete-confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = $"Delete {Old} runs" }).PressAsync("Enter");

        // The report says what was done, the filter result is empty, and the experiment's count dropped.
        var report = page.Locator(".bulk-report");
        await Expect(report).ToContainTextAsync($"Deleted {Old} runs");
        await Expect(report).ToContainTextAsync("0 skipped · 0 failed");
        await Expect(page.Locator("[data-run-count]")).ToHaveAttributeAsync("data-run-count", Keep.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-loaded]")).ToHaveAttributeAsync("data-loaded", "0");
        await Expect(page.Locator("tr[data-run-id]")).ToHaveCountAsync(0);
        var undo = report.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Undo \(\d+ s\)$") });
        await Expect(undo).ToBeVisibleAsync();
        Assert.Equal(Keep, await ActiveRunsAsync(experimentId));
        await Browser.ScreenshotAsync(page, "bulk-delete-report-with-undo");

        // The countdown runs, and Undo (by keyboard) brings exactly those runs back.
        var firstLabel = await undo.TextContentAsync();
        await Expect(undo).Not.ToHaveTextAsync(firstLabel!, new() { Timeout = 10_000 });
        await undo.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(report).ToContainTextAsync($"Undone: Deleted {Old} runs");
        await Expect(page.Locator("[data-run-count]")).ToHaveAttributeAsync("data-run-count", (Old + Keep).ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-loaded]")).ToContainTextAsync("First 100 runs loaded");
        await Expect(report.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Undo") })).ToHaveCountAsync(0);
        Assert.Equal(Old + Keep, await ActiveRunsAsync(experimentId));
        await Browser.ScreenshotAsync(page, "bulk-delete-undone");
    }

    [Fact]
    public async Task ExportLink_DownloadsTheFilterResultAsCsv()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("export"));
        var wanted = await Seed.RunAsync(ui.Client, experimentId, "wanted");
        await Seed.LogAsync(ui.Client, wanted, [("loss", 0.5, 0)], [("cohort", "a")]);
        var other = await Seed.RunAsync(ui.Client, experimentId, "other");
        await Seed.LogAsync(ui.Client, other, [], [("cohort", "b")]);
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?filter={Uri.EscapeDataString("params.cohort = 'a'")}"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var path = await download.PathAsync();
        var csv = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal($"runs-{experimentId}.csv", download.SuggestedFilename);
        Assert.StartsWith("run_id,run_name,experiment_id,", csv, StringComparison.Ordinal);
        Assert.Contains("params.cohort", csv, StringComparison.Ordinal);
        Assert.Contains(wanted, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(other, csv, StringComparison.Ordinal);
    }
}
