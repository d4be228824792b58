using System.Diagnostics;
using System.Text;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

public sealed class ArtifactsPageTests(UiServer ui) : IClassFixture<UiServer>
{
    private const string MlModel = """
        artifact_path: model
        flavors:
          python_function:
            loader_module: mlflow.sklearn
          sklearn:
            sklearn_version: 1.5.0
        model_uuid: 4f1c2d
        signature:
          inputs: '[{"type": "double", "name": "sepal_length", "required": true}, {"type": "string", "name": "species", "required": false}]'
          outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
          params: null
        """;

    private async Task<(string Experiment, string Run)> NewRunAsync(string name)
    {
        var experiment = await ui.Client.CreateExperimentAsync(Seed.Unique("artifacts"));
        return (experiment, await Seed.RunAsync(ui.Client, experiment, name));
    }

    [Fact]
    public async Task Parquet_ShowsAPagedTable_AndNextPageReadsTheNextRows()
    {
        var (experiment, run) = await NewRunAsync("parquet");
        await ArtifactSeed.PutAsync(ui.Client, experiment, run, "data/eval.parquet", await ArtifactSeed.ParquetAsync(groups: 3, rowsPerGroup: 40));

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts"));
        // The tree lists one level: the folder is there, its file is not until it is opened.
        await Expect(page.Locator("li[data-dir='data']")).ToBeVisibleAsync();
        await Expect(page.Locator("li[data-file='data/eval.parquet']")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open folder data" }).ClickAsync();
        await Expect(page.Locator("li[data-file='data/eval.parquet'] .art-size")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d+(\.\d)? KB"));
        await page.GetByRole(AriaRole.Link, new() { Name = "eval.parquet" }).ClickAsync();

        var table = page.GetByRole(AriaRole.Table, new() { Name = "Table preview" });
        await Expect(table).ToHaveAttributeAsync("data-rows", "50");
        await Expect(page.Locator(".art-pager")).ToContainTextAsync("Rows 1–50 of 120");
        await Expect(page.Locator(".art-pager")).ToContainTextAsync("read 2 of 3 row groups");
        await Expect(table.Locator("thead th")).ToHaveTextAsync(["#", "id", "name", "score"]);
        await Expect(table.Locator("tbody tr").Nth(1).Locator("td")).ToHaveTextAsync(["2", "1", "row-1", "0.5"]);
        await Expect(table.Locator("tbody tr").Nth(0).Locator("td").Nth(3)).ToHaveTextAsync("");
        await Browser.ScreenshotAsync(page, "artifacts-parquet");

        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("offset=1"));
        await Expect(page.Locator(".art-pager")).ToContainTextAsync("Rows 51–100 of 120");
        await Expect(table.Locator("tbody tr").First.Locator("td")).ToHaveTextAsync(["51", "50", "row-50", ""]);
        await Expect(table.Locator("tbody tr").Nth(1).Locator("td").Nth(2)).ToHaveTextAsync("row-51");
        await Browser.ScreenshotAsync(page, "artifacts-parquet-page-2");

        // The last page is short and has no next link.
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(page.Locator(".art-pager")).ToContainTextAsync("Rows 101–120 of 120");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next page" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task HugeText_ShowsItsHeadAndTail_WithoutReadingTheWholeFile()
    {
        var (experiment, run) = await NewRunAsync("big-log");
        var file = ArtifactSeed.DiskPath(ui.Server, experiment, run, "logs/train.log");
        var lines = await ArtifactSeed.WriteLinesAsync(file, 100L * 1024 * 1024);
        var size = new FileInfo(file).Length;

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Open folder logs" }).ClickAsync();
        await Expect(page.Locator("li[data-file='logs/train.log'] .art-size")).ToHaveTextAsync("100 MB");

        var clock = Stopwatch.StartNew();
        await page.GetByRole(AriaRole.Link, new() { Name = "train.log" }).ClickAsync();
        var text = page.Locator("pre.art-text");
        await Expect(text).ToContainTextAsync("line 0000000 the quick brown fox");
        TestContext.Current.SendDiagnosticMessage($"100 MB head preview on screen after {clock.ElapsedMilliseconds} ms");
        await Expect(page.Locator(".art-head .art-size")).ToHaveAttributeAsync("data-size", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Only the first 64 KB were read: a line from further in is not on the page.
        await Expect(text).Not.ToContainTextAsync("line 0002000 ");
        var window = await page.Locator("[data-window]").GetAttributeAsync("data-window");
        Assert.StartsWith("0-", window, StringComparison.Ordinal);
        Assert.InRange(long.Parse(window!["0-".Length..], System.Globalization.CultureInfo.InvariantCulture), 60_000, 65_536);
        await Browser.ScreenshotAsync(page, "artifacts-text-head");

        await page.GetByRole(AriaRole.Link, new() { Name = "Tail" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("view=tail"));
        await Expect(text).ToContainTextAsync($"line {lines - 1:0000000} the quick brown fox");
        await Expect(text).Not.ToContainTextAsync("line 0000000 ");
    }

    [Fact]
    public async Task Diff_OfTwoRunsConfigYaml_ShowsTheChangedLines()
    {
        var (experiment, left) = await NewRunAsync("baseline");
        var right = await Seed.RunAsync(ui.Client, experiment, "candidate");
        var config = string.Join('\n', Enumerable.Range(0, 30).Select(i => $"key_{i}: {i}")) + "\n";
        await ArtifactSeed.PutTextAsync(ui.Client, experiment, left, "config.yaml", config.Replace("key_12: 12", "learning_rate: 0.1", StringComparison.Ordinal));
        await ArtifactSeed.PutTextAsync(ui.Client, experiment, right, "config.yaml",
            config.Replace("key_12: 12", "learning_rate: 0.05", StringComparison.Ordinal).Replace("key_25: 25\n", "", StringComparison.Ordinal));

        // From the preview: the diff form takes the other run's id.
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{left}/artifacts?path=config.yaml"));
        await Expect(page.Locator("pre.art-text")).ToContainTextAsync("learning_rate: 0.1");
        await page.GetByLabel("Run id to diff with").FillAsync(right);
        await page.GetByRole(AriaRole.Button, new() { Name = "Diff", Exact = true }).ClickAsync();
        await page.Locator("main[data-interactive=true]").WaitForAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"artifacts/diff\\?left={left}&path=config.yaml&right={right}"));

        var diff = page.GetByRole(AriaRole.Table, new() { Name = "Line diff" });
        await Expect(diff.Locator("[data-kind=Removed]")).ToHaveTextAsync(["13−learning_rate: 0.1", "26−key_25: 25"]);
        await Expect(diff.Locator("[data-kind=Added]")).ToHaveTextAsync(["13+learning_rate: 0.05"]);
        await Expect(page.Locator("[data-changes]")).ToHaveAttributeAsync("data-changes", "3");
        await Expect(diff.Locator(".art-hunk-head")).ToHaveTextAsync(["@@ -10,7 +10,7 @@", "@@ -23,7 +23,6 @@"]);
        await Browser.ScreenshotAsync(page, "artifacts-diff");

        // Identical files, a missing file and an unknown run each say so.
        await Browser.OpenAsync(page, ui.Url($"/artifacts/diff?left={left}&right={left}&path=config.yaml"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The two files are identical.");
        await Browser.OpenAsync(page, ui.Url($"/artifacts/diff?left={left}&right={right}&path=other.yaml"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("has no artifact 'other.yaml'");
        await Browser.OpenAsync(page, ui.Url($"/artifacts/diff?left={left}&right={new string('0', 32)}&path=config.yaml"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No run has the id");
    }

    [Fact]
    public async Task Previews_RenderEachKind_AndSandboxActiveContent()
    {
        var (experiment, run) = await NewRunAsync("kinds");
        await ArtifactSeed.PutTextAsync(ui.Client, experiment, run, "model/MLmodel", MlModel);
        await ArtifactSeed.PutTextAsync(ui.Client, experiment, run, "metrics.json", """{"accuracy": 0.93, "classes": ["a", "b"], "nested": {"deep": {"deeper": true}}}""");
        await ArtifactSeed.PutTextAsync(ui.Client, experiment, run, "plots/roc.svg",
            """<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><script>window.parent.pwned = true</script><rect width="40" height="20" fill="red"/></svg>""");
        await ArtifactSeed.PutTextAsync(ui.Client, experiment, run, "report.html", "<h1>Report</h1><script>document.body.dataset.ran = 'yes'; window.top.pwned = true;</script>");
        await ArtifactSeed.PutTextAsync(ui.Client, experiment, run, "eval.csv", "name,score\n\"a, quoted\",1\nb,2\n");

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts?path=model/MLmodel"));
        await Expect(page.Locator("li[data-file='model/MLmodel']")).ToHaveClassAsync("selected");
        var inputs = page.GetByRole(AriaRole.Table, new() { Name = "Signature inputs" });
        await Expect(inputs.Locator("tbody tr").Nth(0).Locator("td")).ToHaveTextAsync(["sepal_length", "double", "—", "yes"]);
        await Expect(inputs.Locator("tbody tr").Nth(1).Locator("td")).ToHaveTextAsync(["species", "string", "—", "no"]);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Signature outputs" }).Locator("tbody td").Nth(1)).ToHaveTextAsync("tensor of float64");
        await Expect(page.Locator(".art-mlmodel")).ToContainTextAsync("python_function, sklearn");
        await Browser.ScreenshotAsync(page, "artifacts-mlmodel");

        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts?path=metrics.json"));
        await Expect(page.GetByRole(AriaRole.Tree, new() { Name = "JSON" })).ToContainTextAsync("accuracy: 0.93");
        await Expect(page.Locator(".art-json details details details")).Not.ToHaveAttributeAsync("open", "");

        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts?path=eval.csv"));
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Table preview" }).Locator("tbody tr").First.Locator("td")).ToHaveTextAsync(["a, quoted", "1"]);

        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts?path=plots/roc.svg&zoom=2"));
        var image = page.Locator(".art-image img");
        await Expect(image).ToHaveAttributeAsync("data-zoom", "2");
        await page.WaitForFunctionAsync("() => document.querySelector('.art-image img').complete && document.querySelector('.art-image img').naturalWidth > 0");
        // 40 pixels wide at 200 %.
        Assert.InRange(await image.EvaluateAsync<double>("i => i.getBoundingClientRect().width"), 79, 81);

        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts?path=report.html"));
        var frame = page.Locator("iframe.art-html");
        await Expect(frame).ToHaveAttributeAsync("sandbox", "");
        await Expect(page.FrameLocator("iframe.art-html").Locator("h1")).ToHaveTextAsync("Report");
        Assert.Null(await page.FrameLocator("iframe.art-html").Locator("body").GetAttributeAsync("data-ran"));
        Assert.False(await page.EvaluateAsync<bool>("() => window.pwned === true"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download" })).ToHaveAttributeAsync("href", $"get-artifact?run_id={run}&path=report.html");
        await Browser.ScreenshotAsync(page, "artifacts-html");
    }

    [Fact]
    public async Task LargeFolder_ListsAPageAtATime_AndEmptyOrUnknownRunsSaySo()
    {
        var (experiment, run) = await NewRunAsync("many-files");
        for (var i = 0; i < 1_000; i++)
        {
            await File.WriteAllTextAsync(ArtifactSeed.DiskPath(ui.Server, experiment, run, $"shards/part-{i:0000}.txt"), "x", TestContext.Current.CancellationToken);
        }

        var page = await ui.Browser.NewPageAsync(width: 420, height: 800);
        await Browser.OpenAsync(page, ui.Url($"/runs/{run}/artifacts?path=shards/part-0450.txt"));
        var folder = page.Locator("ul[data-folder='shards']");
        await Expect(folder).ToHaveAttributeAsync("data-count", "1000");
        // The selected file is drawn (its page of the folder), the rest waits behind "Show more".
        await Expect(page.Locator("li[data-file='shards/part-0450.txt']")).ToHaveClassAsync("selected");
        await Expect(folder.Locator("li")).ToHaveCountAsync(600);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show 200 more (600 of 1,000 shown)" }).ClickAsync();
        await Expect(folder.Locator("li")).ToHaveCountAsync(800);
        await Browser.ScreenshotAsync(page, "artifacts-narrow");

        var (_, empty) = await NewRunAsync("no-artifacts");
        await Browser.OpenAsync(page, ui.Url($"/runs/{empty}/artifacts"));
        await Expect(page.Locator(".empty")).ToContainTextAsync("This run has no artifacts");
        await Browser.OpenAsync(page, ui.Url($"/runs/{empty}/artifacts?path=nothing.txt"));
        await Expect(page.Locator(".art-preview-pane .empty")).ToContainTextAsync("There is no file");
        await Browser.OpenAsync(page, ui.Url($"/runs/{new string('0', 32)}/artifacts"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Run not found");

        // The run page links to its artifacts.
        await Browser.OpenAsync(page, ui.Url($"/runs/{run}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Browse artifacts" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Artifacts of many-files");
    }
}
