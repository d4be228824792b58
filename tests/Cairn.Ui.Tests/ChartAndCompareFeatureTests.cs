using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

/// <summary>
/// Issue 8's chart of one metric against another and filter on a metric's minimum; issue 9's contour and parallel
/// coordinates drawn on a canvas for thousands of runs.
/// </summary>
public sealed class ChartAndCompareFeatureTests(UiServer ui) : IClassFixture<UiServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Issue8_ChartAgainstAnotherMetric_PairsByStep_AndKeepsTheSpike()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("x-metric"));
        var runId = await Seed.RunAsync(ui.Client, experimentId, "acc-vs-loss");
        // loss falls with the steps; acc rises, with one spike at step 1,700; lr is logged on even steps only.
        await Seed.LogAsync(ui.Client, runId, Enumerable.Range(0, 3_000).SelectMany(s => new[]
        {
            ("loss", 3.0 - s / 1_000.0, (long)s),
            ("acc", s == 1_700 ? 40 : s / 3_000.0, (long)s),
        }).Concat(Enumerable.Range(0, 1_500).Select(s => ("lr", 0.1, 2L * s))));

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/runs/{runId}"));
        await page.GetByLabel("Chart x axis").SelectOptionAsync("metric:loss");

        var acc = page.Locator("figure[data-metric='acc'] svg");
        await Expect(acc).ToHaveAttributeAsync("data-x-axis", "metric:loss");
        await Expect(acc).ToHaveAttributeAsync("data-total", "3000");
        await Expect(acc).ToHaveAttributeAsync("data-method", "minmax-lttb");
        var drawn = int.Parse((await acc.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
        Assert.InRange(drawn, 100, 2 * 576 + 2);
        Assert.Equal(drawn, Regex.Matches(await page.Locator("figure[data-metric='acc'] path.series").GetAttributeAsync("d") ?? "", "[ML]").Count);
        // The spike is in the drawn range: the y axis runs up to it, and the x axis spans loss's values.
        await Expect(page.Locator("figure[data-metric='acc'] text.axis").First).ToHaveTextAsync("40");
        await Expect(page.Locator("figure[data-metric='acc'] text.axis").Nth(2)).ToHaveTextAsync("loss 0.001");
        await Expect(page.Locator("figure[data-metric='acc'] .count")).ToHaveTextAsync($"{drawn:N0} of 3,000 points");

        // lr pairs with loss on the 1,500 even steps only.
        await Expect(page.Locator("figure[data-metric='lr'] svg")).ToHaveAttributeAsync("data-total", "1500");
        await Browser.ScreenshotAsync(page, "chart-x-another-metric");
    }

    [Fact]
    public async Task Issue8_RunsTable_FiltersOnAMetricsMinimum_AndExplainsBadSyntax()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("min-filter"));
        (string Name, double[] Loss)[] runs =
        [
            ("dips", [0.9, 0.1, 0.8]), ("steady", [0.5, 0.4]), ("ends-low", [1, 0.5, 0.15]), ("high", [2, 1.5]),
        ];
        var ids = new Dictionary<string, string>();
        foreach (var (name, loss) in runs)
        {
            ids[name] = await Seed.RunAsync(ui.Client, experimentId, name);
            await Seed.LogAsync(ui.Client, ids[name], loss.Select((v, s) => ("loss", v, (long)s)));
        }

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?cols=" + Uri.EscapeDataString("metrics.loss,metrics.loss~min")));
        await page.GetByLabel("Filter runs").FillAsync("min(metrics.loss) < 0.2");
        await page.GetByLabel("Filter runs").PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(new Regex("filter=min"));
        await Expect(page.Locator("tr[data-run-id]")).ToHaveCountAsync(2);
        var shown = await page.Locator("tr[data-run-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)");
        Assert.Equal(new[] { ids["dips"], ids["ends-low"] }.Order(), shown.Order());
        // The latest value keeps MLflow's meaning beside the minimum.
        await Expect(page.Locator($"tr[data-run-id='{ids["dips"]}'] td").Last).ToHaveTextAsync("0.1");
        await Expect(page.Locator($"tr[data-run-id='{ids["dips"]}'] td").Nth(-2)).ToHaveTextAsync("0.8");
        await Browser.ScreenshotAsync(page, "runs-table-filter-on-min");

        await page.GetByLabel("Filter runs").FillAsync("min(params.lr) < 1");
        await page.GetByLabel("Filter runs").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("takes a metric, like min(metrics.loss) < 0.2");
    }

    [Fact]
    public async Task Issue9_Contour_ColoursRunsByTheirMetric_DarkLowToLightHigh()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("contour"));
        var ids = new List<string>();
        foreach (var lr in new[] { 1, 2, 3 })
        {
            foreach (var depth in new[] { 10, 20, 30 })
            {
                var id = await Seed.RunAsync(ui.Client, experimentId, $"lr{lr}-d{depth}");
                await Seed.LogAsync(ui.Client, id, [("score", lr + depth / 10.0, 0)],
                    [("lr", lr.ToString(CultureInfo.InvariantCulture)), ("depth", depth.ToString(CultureInfo.InvariantCulture))]);
                ids.Add(id);
            }
        }

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/compare?runs={string.Join(",", ids)}&cx=params.lr&cy=params.depth&cz=metrics.score"));
        var contour = page.Locator("svg.contour");
        await Expect(contour).ToBeVisibleAsync();
        await Expect(contour).ToHaveAttributeAsync("data-runs", "9");
        await Expect(contour.Locator("path.contour-band")).ToHaveCountAsync(8);
        await contour.ScrollIntoViewIfNeededAsync();

        // The colour ramp goes from dark (low) to light (high).
        var fills = await contour.Locator("path.contour-band").EvaluateAllAsync<string[]>("paths => paths.map(p => p.getAttribute('fill'))");
        var luminance = fills.Select(Luminance).ToList();
        Assert.Equal(luminance.Order(), luminance);

        // What is painted under each run: the band at the dot's place (probed a few pixels inside the frame).
        var probes = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('svg.contour circle.dot')].map(c => {
              const r = c.getBoundingClientRect(), box = c.ownerSVGElement.querySelector('rect.frame').getBoundingClientRect();
              const x = Math.min(Math.max(r.x + r.width / 2, box.left + 3), box.right - 3);
              const y = Math.min(Math.max(r.y + r.height / 2, box.top + 3), box.bottom - 3);
              const band = document.elementsFromPoint(x, y).find(e => e.classList && e.classList.contains('contour-band'));
              return { value: Number(c.dataset.value), level: band ? Number(band.dataset.level) : -1 };
            })
            """);
        var painted = probes.EnumerateArray().Select(p => (Value: p.GetProperty("value").GetDouble(), Level: p.GetProperty("level").GetInt32())).ToList();
        Assert.Equal(9, painted.Count);
        Assert.All(painted, p => Assert.InRange(p.Level, 0, 7));
        Assert.Equal(0, painted.MinBy(p => p.Value).Level);
        Assert.Equal(7, painted.MaxBy(p => p.Value).Level);
        foreach (var low in painted)
        {
            foreach (var high in painted.Where(h => h.Value > low.Value))
            {
                Assert.True(low.Level <= high.Level, $"score {low.Value} is painted at level {low.Level}, above score {high.Value} at level {high.Level}");
            }
        }

        await Expect(page.Locator("svg.contour")).ToHaveAttributeAsync("aria-label", new Regex("inverse-distance weighting"));
        await Browser.ScreenshotAsync(page, "compare-contour");
    }

    [Fact]
    public async Task Issue9_ParallelCoordinates_Over3000Runs_DrawnOnACanvas()
    {
        const int Runs = 3_000;
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("parallel"));
        await Parallel.ForEachAsync(Enumerable.Range(0, Runs), new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Cancel }, async (i, _) =>
        {
            var id = await ui.Client.CreateRunAsync(experimentId, 1_700_000_000_000 + i, runName: $"r{i}");
            await ui.Client.OkAsync("runs/log-batch", new
            {
                run_id = id,
                metrics = new[] { new { key = "loss", value = (i % 97) / 97.0, timestamp = 1_700_000_000_000L, step = 0L } },
                @params = new[]
                {
                    new { key = "lr", value = (i % 10 / 100.0).ToString(CultureInfo.InvariantCulture) },
                    new { key = "depth", value = (i % 7).ToString(CultureInfo.InvariantCulture) },
                },
            });
        });

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}/parallel"));
        var canvas = page.Locator("cairn-parallel");
        await Expect(canvas).ToHaveAttributeAsync("data-lines", "3000", new() { Timeout = 60_000 });
        await Expect(canvas).ToHaveAttributeAsync("data-drawn", "3000", new() { Timeout = 60_000 });
        await Expect(page.Locator("svg.parallel")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-run-count]")).ToContainTextAsync("3,000 runs");

        // The canvas is painted: many pixels differ from the white background.
        var painted = await canvas.EvaluateAsync<int>("""
            el => {
              const c = el.shadowRoot.querySelector('canvas');
              const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              for (let i = 0; i < data.length; i += 4) if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) n++;
              return n;
            }
            """);
        Assert.True(painted > 5_000, $"only {painted} pixels are painted");
        await Browser.ScreenshotAsync(page, "parallel-coordinates-canvas-3000");
    }

    [Fact]
    public async Task Issue9_ParallelCoordinates_ChoosesDifferingNumericAxes_AndKeepsThemWhenInteractive()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("parallel-axes"));
        for (var i = 0; i < 30; i++)
        {
            var id = await Seed.RunAsync(ui.Client, experimentId, $"r{i}", 1_700_000_000_000 + i);
            await Seed.LogAsync(ui.Client, id, [("loss", i / 29.0, 0), ("acc", 1 - i / 29.0, 0)],
                [("depth", (i % 5).ToString(CultureInfo.InvariantCulture)), ("lr", (i % 3 / 10.0).ToString(CultureInfo.InvariantCulture)),
                 ("optimizer", i % 2 == 0 ? "adam" : "sgd"), ("seed", "1")]);
        }

        // Once interactive (the circuit's render, which reads only the drawn columns), the page shows what it prerendered:
        // the numeric fields that differ, params then metrics, each in key order; seed is the same everywhere and
        // optimizer is not a number.
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}/parallel"));
        var plot = page.Locator("svg.parallel");
        await Expect(plot).ToHaveAttributeAsync("data-lines", "30");
        var axes = await plot.Locator("g.axis-line").EvaluateAllAsync<string[]>("gs => gs.map(g => g.dataset.field)");
        Assert.Equal(["params.depth", "params.lr", "metrics.acc", "metrics.loss"], axes);
        await Expect(page.Locator("details.overlay-picker summary")).ToHaveTextAsync("Axes (4 of 5)");
        await Expect(page.GetByLabel("Axis params.seed")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("Axis params.optimizer")).ToHaveCountAsync(0);

        // r0 has depth 0, lr 0, acc 1 and loss 0: the bottom, bottom, top and bottom of the four axes.
        var first = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('svg.parallel path.line')].find(p => p.querySelector('title').textContent === 'r0').getAttribute('d')");
        Assert.Equal("M40 280L253.3 280L466.7 20L680 280", first);

        // Dropping an axis goes through the address and redraws with the other three.
        await page.Locator("details.overlay-picker summary").ClickAsync();
        await page.GetByLabel("Axis metrics.acc").UncheckAsync();
        await Expect(page).ToHaveURLAsync(new Regex("axes=params.depth,params.lr,metrics.loss$"));
        await Expect(plot.Locator("g.axis-line")).ToHaveCountAsync(3);
        await Expect(page.Locator("details.overlay-picker summary")).ToHaveTextAsync("Axes (3 of 5)");
        await Browser.ScreenshotAsync(page, "parallel-coordinates-axes");
    }

    private static double Luminance(string hex)
    {
        var rgb = Convert.FromHexString(hex.TrimStart('#'));
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    }
}
