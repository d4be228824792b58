using System.Text.Json;
using Microsoft.Playwright;

/// <summary>
/// What the browser itself says about a page's paint, independent of Playwright's polling (shared by bench/ui and
/// bench/artifact-previews). Before the page's first byte, an init script
/// <list type="bullet">
/// <item>gives the bench's target element and all its descendants the <c>elementtiming</c> attribute as the parser adds
/// them (a MutationObserver, so the page's markup stays as it is), and records Chromium's Element Timing entries for
/// them: <c>renderTime</c> is when the frame holding the element's text was presented;</item>
/// <item>records the long tasks (main-thread tasks over 50 ms) and the largest contentful paint.</item>
/// </list>
/// <see cref="TraceAsync"/> records one navigation as a Chromium trace for <c>bench/ui/trace-summary.py</c>.
/// </summary>
internal static class PaintProbe
{
    private const string InitScript = """
        (() => {
            const selector = __SELECTOR__;
            const seen = window.__cairnPaint = { elements: [], longTasks: [], lcp: -1 };
            const observe = (type, record) => {
                try { new PerformanceObserver(l => l.getEntries().forEach(record)).observe({ type, buffered: true }); } catch { }
            };
            observe('element', e => seen.elements.push(e.renderTime || e.loadTime));
            observe('longtask', e => seen.longTasks.push([e.startTime, e.duration]));
            observe('largest-contentful-paint', e => seen.lcp = e.renderTime || e.startTime);
            let target = null;
            const tag = () => {
                target ??= document.querySelector(selector);
                if (!target) return;
                for (const element of [target, ...target.querySelectorAll(':not([elementtiming])')]) {
                    element.setAttribute('elementtiming', 'bench-target');
                }
            };
            const watcher = new MutationObserver(tag);
            watcher.observe(document, { childList: true, subtree: true });
            addEventListener('load', () => setTimeout(() => watcher.disconnect(), 0));
        })();
        """;

    /// <summary>[first Element Timing render time of the target (-1: none), long-task time before it, long tasks before it, LCP].</summary>
    private const string Read = """
        () => {
            const seen = window.__cairnPaint;
            const painted = seen.elements.length ? Math.min(...seen.elements) : -1;
            const before = seen.longTasks.filter(([start]) => painted < 0 || start < painted);
            return [painted, before.reduce((sum, [, d]) => sum + d, 0), before.length, seen.lcp];
        }
        """;

    /// <summary>
    /// The page's navigation timeline, in ms from navigation start: [first byte, last byte, DOM interactive,
    /// DOMContentLoaded end, load end, first contentful paint (-1: none), HTML bytes decoded, Blazor script bytes on
    /// the wire (0 when cached, -1 when not loaded)].
    /// </summary>
    public const string NavigationTimeline = """
        () => {
            const n = performance.getEntriesByType('navigation')[0];
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            const script = performance.getEntriesByType('resource').find(r => r.name.includes('/_framework/blazor.web.js'));
            return [n.responseStart, n.responseEnd, n.domInteractive, n.domContentLoadedEventEnd, n.loadEventEnd,
                fcp ? fcp.startTime : -1, n.decodedBodySize, script ? script.transferSize : -1];
        }
        """;

    public static Task InstallAsync(IPage page, string selector) =>
        page.AddInitScriptAsync(InitScript.Replace("__SELECTOR__", JsonSerializer.Serialize(selector), StringComparison.Ordinal));

    /// <summary>Waits until the target's paint is recorded (it may be reported a frame after Playwright sees the element).</summary>
    public static async Task<BrowserPaint> ReadAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.__cairnPaint && window.__cairnPaint.elements.length > 0",
            null, new() { Timeout = 5_000, PollingInterval = 20 }).ContinueWith(_ => { }, TaskScheduler.Default);
        var values = await page.EvaluateAsync<double[]>(Read);
        return new BrowserPaint(values[0], values[1], values[2], values[3]);
    }

    /// <summary>One navigation in a fresh context, recorded as a Chromium trace (the timeline, script and paint events).</summary>
    public static async Task TraceAsync(IBrowser browser, Uri url, string selector, string path)
    {
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var primer = await context.NewPageAsync();
        await primer.GotoAsync(url.ToString(), new() { Timeout = 60_000 });
        await primer.CloseAsync();
        var page = await context.NewPageAsync();
        await InstallAsync(page, selector);
        // The DevTools protocol's Tracing domain directly (Playwright for .NET has no browser tracing of its own).
        var cdp = await context.NewCDPSessionAsync(page);
        var events = new List<JsonElement>();
        var complete = new TaskCompletionSource();
        cdp.Event("Tracing.dataCollected").OnEvent += (_, data) => events.AddRange(data!.Value.GetProperty("value").EnumerateArray().Select(e => e.Clone()));
        cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
        await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["transferMode"] = "ReportEvents",
            ["traceConfig"] = new Dictionary<string, object>
            {
                ["includedCategories"] = new[] { "toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing",
                    "loading", "navigation", "disabled-by-default-devtools.timeline.frame" },
            },
        });
        await page.GotoAsync(url.ToString(), new() { Timeout = 60_000 });
        await page.Locator(selector).First.WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("main[data-interactive='true'], main[data-interactive='static']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await page.WaitForTimeoutAsync(200);
        await cdp.SendAsync("Tracing.end");
        await complete.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { traceEvents = events }));
        await page.CloseAsync();
    }
}

/// <summary>Milliseconds from navigation start, as the page's own Performance API reports them.</summary>
internal sealed record BrowserPaint(double ElementRendered, double LongTaskTimeBefore, double LongTasksBefore, double LargestContentfulPaint);
