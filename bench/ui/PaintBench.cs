using System.Diagnostics;
using Microsoft.Playwright;

/// <summary>
/// Paint time of a UI page in Debian's chromium through Playwright, measured two ways and broken down (shared by bench/ui
/// and bench/artifact-previews). The clock runs from navigation to the element on screen; creating and closing the browser
/// context stay outside it (a user's browser is already open).
/// <list type="bullet">
/// <item>cold cache: a fresh context per repeat, so the Blazor script and the stylesheet are fetched every time;</item>
/// <item>warm cache: a new tab in one context primed by a first navigation, as for a user who has opened any page before.</item>
/// </list>
/// The breakdown comes from the page's Navigation and Paint Timing (medians): first byte of the prerendered HTML, its last
/// byte, DOMContentLoaded, load (the script fetched and run), first contentful paint, and when the Blazor circuit has
/// connected and the page is interactive (<c>main[data-interactive=true]</c>, set by the layout once it renders over the
/// circuit). The HTML alone over HttpClient is the server's prerender time.
/// <para>"Element on screen" is Playwright's: it polls the page for the element, and its answer crosses the DevTools
/// protocol back to the bench. Beside it, each page also reports the browser's own figure (<see cref="PaintProbe"/>): the
/// Element Timing render time of the target element, from navigation start, and the long tasks before it.</para>
/// </summary>
internal sealed class PaintBench(IPlaywright playwright, IBrowser browser, Uri address, int repeats) : IAsyncDisposable
{
    /// <summary>When set, one traced navigation per page is written here as a Chromium trace (see PaintProbe.TraceAsync).</summary>
    public string? TraceFolder { get; init; }

    private readonly List<string> _rows = [];
    private readonly List<string> _breakdowns = [];
    private readonly HttpClient _http = new() { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    private IBrowserContext? _warm;

    /// <param name="chromiumDefaults">Launch chromium with Playwright's switches alone, without <see cref="ChromiumFeatures"/> (for comparison).</param>
    public static async Task<PaintBench> StartAsync(Uri address, int repeats, string? traceFolder = null, bool chromiumDefaults = false)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = chromiumDefaults ? ["--no-sandbox", "--disable-dev-shm-usage"] : ["--no-sandbox", "--disable-dev-shm-usage", ChromiumFeatures.DisableSwitch()],
        });
        return new PaintBench(playwright, browser, address, repeats) { TraceFolder = traceFolder };
    }

    /// <summary>Measures one page cold and warm; <paramref name="selector"/> is the element whose appearance counts as painted.</summary>
    public async Task MeasureAsync(string name, string target, string url, string selector)
    {
        var html = await TimeAsync(async () =>
        {
            using var response = await _http.GetAsync(url);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        });
        Report($"{name}, HTML alone (prerender, HttpClient)", "—", html);

        if (_warm is null)
        {
            _warm = await NewContextAsync();
            var primer = await _warm.NewPageAsync();
            await primer.GotoAsync(new Uri(address, "/experiments").ToString(), new() { Timeout = 60_000 });
            await primer.CloseAsync();
        }

        foreach (var cold in new[] { true, false })
        {
            var samples = new List<Sample>();
            await SampleAsync(cold, url, selector);
            for (var i = 0; i < repeats; i++)
            {
                samples.Add(await SampleAsync(cold, url, selector));
            }

            var mode = cold ? "cold cache" : "warm cache";
            Report($"{name}, paint ({mode})", target, [.. samples.Select(s => s.Painted)]);
            // A sample lacks the browser's figure only if Chromium reported no Element Timing entry in time; those are left out and counted.
            var rendered = samples.Where(s => s.Browser.ElementRendered >= 0).ToList();
            if (rendered.Count > 0)
            {
                var missing = rendered.Count < samples.Count ? $", {rendered.Count} of {samples.Count} samples" : "";
                Report($"{name}, paint by the browser's Element Timing ({mode}{missing})", target, [.. rendered.Select(s => s.Browser.ElementRendered)]);
            }

            _breakdowns.Add($"| {name} ({mode}) | {Median(samples, s => s.FirstByte):0} | {Median(samples, s => s.LastByte):0} | " +
                $"{Median(samples, s => s.DomContentLoaded):0} | {Median(samples, s => s.Load):0} | {Median(samples, s => s.FirstContentfulPaint):0} | " +
                $"{(rendered.Count > 0 ? Median(rendered, s => s.Browser.ElementRendered) : -1):0} | {Median(samples, s => s.Painted):0} | {Median(samples, s => s.Interactive):0} | " +
                $"{Median(samples, s => s.Browser.LongTaskTimeBefore):0} ({Median(samples, s => s.Browser.LongTasksBefore):0}) | {Median(samples, s => s.ScriptBytes):0} |");
        }

        if (TraceFolder is not null)
        {
            Directory.CreateDirectory(TraceFolder);
            var file = Path.Combine(TraceFolder, $"{new string([.. name.Select(c => char.IsLetterOrDigit(c) ? c : '-')])}.json");
            await PaintProbe.TraceAsync(browser, new Uri(address, url), selector, file);
            Console.WriteLine($"trace of one warm navigation: {file}");
        }
    }

    /// <summary>A navigation that involves no Blazor at all (the JSON health route), for the browser's own fixed cost.</summary>
    public async Task MeasureBaselineAsync()
    {
        _warm ??= await NewContextAsync();
        var times = new List<double>();
        for (var i = 0; i <= repeats; i++)
        {
            var page = await _warm.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(address, "/health").ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
            await page.Locator("body").WaitForAsync(new() { Timeout = 60_000 });
            times.Add(clock.Elapsed.TotalMilliseconds);
            await page.CloseAsync();
        }

        Report("baseline: a page without Blazor (/health), paint (warm context)", "—", times.Skip(1).ToList());
    }

    public void PrintTables()
    {
        Console.WriteLine();
        Console.WriteLine("| measurement | p50 | p95 | target |");
        Console.WriteLine("|---|---|---|---|");
        _rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("Medians in ms from navigation start (element painted: the browser's Element Timing render time; element on screen: Playwright saw it;");
        Console.WriteLine("long tasks: main-thread time in tasks over 50 ms before the element painted, and their count; script bytes: the Blazor script on the wire, 0 when cached):");
        Console.WriteLine();
        Console.WriteLine("| page | first byte | last byte | DOMContentLoaded | load | first contentful paint | element painted (browser) | element on screen (Playwright) | interactive (circuit) | long tasks before paint | script bytes |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        _breakdowns.ForEach(Console.WriteLine);
    }

    public async ValueTask DisposeAsync()
    {
        if (_warm is not null)
        {
            await _warm.DisposeAsync();
        }

        await browser.DisposeAsync();
        playwright.Dispose();
        _http.Dispose();
    }

    private async Task<Sample> SampleAsync(bool cold, string url, string selector)
    {
        var context = cold ? await NewContextAsync() : _warm!;
        var page = await context.NewPageAsync();
        await PaintProbe.InstallAsync(page, selector);
        try
        {
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(address, url).ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
            await page.Locator(selector).First.WaitForAsync(new() { Timeout = 60_000 });
            var painted = clock.Elapsed.TotalMilliseconds;
            await page.Locator("main[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var interactive = clock.Elapsed.TotalMilliseconds;
            await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 60_000 });
            var t = await page.EvaluateAsync<double[]>(PaintProbe.NavigationTimeline);
            var browserPaint = await PaintProbe.ReadAsync(page);
            return new Sample(painted, interactive, t[0], t[1], t[3], t[4], t[5], t[7], browserPaint);
        }
        finally
        {
            await page.CloseAsync();
            if (cold)
            {
                await context.DisposeAsync();
            }
        }
    }

    private Task<IBrowserContext> NewContextAsync() => browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });

    private async Task<List<double>> TimeAsync(Func<Task> action)
    {
        await action();
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    private void Report(string name, string target, List<double> times)
    {
        times.Sort();
        var (p50, p95) = (times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.95) - 1]);
        Console.WriteLine($"{name}: p50 {p50:0.0} ms, p95 {p95:0.0} ms (target {target})");
        _rows.Add($"| {name} | {p50:N0} ms | {p95:N0} ms | {target} |");
    }

    private static double Median(List<Sample> samples, Func<Sample, double> value)
    {
        var sorted = samples.Select(value).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed record Sample(double Painted, double Interactive, double FirstByte, double LastByte, double DomContentLoaded, double Load,
        double FirstContentfulPaint, double ScriptBytes, BrowserPaint Browser);
}
