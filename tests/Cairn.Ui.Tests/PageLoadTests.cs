using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

/// <summary>
/// How fast pages reach the screen: data in the prerendered HTML, the Blazor script and stylesheet compressed and cached by
/// a versioned address, and pages that still work once their circuit connects.
/// </summary>
public sealed partial class PageLoadTests(UiServer ui) : IClassFixture<UiServer>
{
    // The page's own script loads Blazor's after the first frame, from its data-blazor attribute.
    [GeneratedRegex("""data-blazor="(/_framework/blazor\.web\.js\?v=([0-9a-f]{16}))[">]""")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("""href="(/ui/cairn\.css\?v=[0-9a-f]{16})[">]""")]
    private static partial Regex StylesheetTag();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Raw() => new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = ui.Server.BaseAddress };

    [Fact]
    public async Task UiFiles_AreLinkedByVersion_CompressedAndCachedForAYear()
    {
        using var http = Raw();
        var html = await http.GetStringAsync("/models", Cancel);
        var script = ScriptTag().Match(html);
        Assert.True(script.Success, "the page links the Blazor script by a versioned address");
        Assert.Matches(StylesheetTag(), html);

        using var identity = await http.GetAsync(script.Groups[1].Value, Cancel);
        var plain = await identity.Content.ReadAsByteArrayAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, identity.StatusCode);
        Assert.Empty(identity.Content.Headers.ContentEncoding);
        Assert.Equal(script.Groups[2].Value, Convert.ToHexStringLower(SHA256.HashData(plain))[..16]);
        Assert.Equal("public, max-age=31536000, immutable", identity.Headers.CacheControl?.ToString());
        Assert.StartsWith("text/javascript", identity.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);

        foreach (var (encoding, decoder) in new (string, Func<Stream, Stream>)[]
        {
            ("br", s => new BrotliStream(s, CompressionMode.Decompress)),
            ("gzip", s => new GZipStream(s, CompressionMode.Decompress)),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, script.Groups[1].Value);
            request.Headers.AcceptEncoding.ParseAdd(encoding);
            using var response = await http.SendAsync(request, Cancel);
            Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            var compressed = await response.Content.ReadAsByteArrayAsync(Cancel);
            Assert.True(compressed.Length < plain.Length / 2, $"{encoding}: {compressed.Length} of {plain.Length} bytes");
            using var decoded = new MemoryStream();
            await using (var stream = decoder(new MemoryStream(compressed)))
            {
                await stream.CopyToAsync(decoded, Cancel);
            }

            Assert.Equal(plain, decoded.ToArray());

            // The browser's copy is still good: 304 without a body.
            using var again = new HttpRequestMessage(HttpMethod.Get, script.Groups[1].Value);
            again.Headers.AcceptEncoding.ParseAdd(encoding);
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var notModified = await http.SendAsync(again, Cancel);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        // The bare address (or an old version) is asked again each time, so a new build is never hidden by a cache.
        using var bare = await http.GetAsync("/_framework/blazor.web.js", Cancel);
        Assert.Equal("no-cache", bare.Headers.CacheControl?.ToString());
        using var stale = await http.GetAsync("/_framework/blazor.web.js?v=0000000000000000", Cancel);
        Assert.Equal("no-cache", stale.Headers.CacheControl?.ToString());
        Assert.Equal(plain, await stale.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task RunsTable_FirstPageIsInThePrerenderedHtml_AndTheGridStillSortsOnceInteractive()
    {
        var experimentId = await ui.Client.CreateExperimentAsync(Seed.Unique("prerender"));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await Seed.RunAsync(ui.Client, experimentId, $"early-{i}", 1_700_000_000_000 + i * 1_000);
            await Seed.LogAsync(ui.Client, id, [("loss", 1.0 - i / 10.0, 0)], []);
            ids.Add(id);
        }

        using var http = Raw();
        var html = await http.GetStringAsync($"/experiments/{experimentId}?cols=metrics.loss", Cancel);
        Assert.All(ids, id => Assert.Contains($"data-run-id=\"{id}\"", html, StringComparison.Ordinal));
        Assert.Contains("data-interactive=\"false\"", html, StringComparison.Ordinal);

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/experiments/{experimentId}?cols=metrics.loss"));
        await Expect(page.Locator("tr[data-run-id]")).ToHaveCountAsync(3);
        await page.Locator("th button[data-sort='metrics.loss']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("order=metrics.loss(%20|\\+)desc"));
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", ids[0]);
        await page.Locator("th button[data-sort='metrics.loss']").ClickAsync();
        await Expect(page.Locator("tr[data-run-id]").First).ToHaveAttributeAsync("data-run-id", ids[2]);
    }

    [Fact]
    public async Task ModelList_IsPrerendered_AndTheCircuitKeepsWhatPrerenderingRead_ThenSearches()
    {
        var prefix = Seed.Unique("keep");
        await RegistrySeed.ModelAsync(ui.Client, $"{prefix}-a", versions: 1);
        await RegistrySeed.ModelAsync(ui.Client, $"{prefix}-b", versions: 1);

        using var http = Raw();
        var html = await http.GetStringAsync($"/models?q={prefix}", Cancel);
        Assert.Contains($"data-model=\"{prefix}-a\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-model=\"{prefix}-b\"", html, StringComparison.Ordinal);

        // Hold the Blazor script until a third model exists: a circuit that read the list again would show it.
        var page = await ui.Browser.NewPageAsync();
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/_framework/blazor.web.js*", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await page.GotoAsync(ui.Url($"/models?q={prefix}"), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Locator("tr[data-model]")).ToHaveCountAsync(2);
        await RegistrySeed.ModelAsync(ui.Client, $"{prefix}-c", versions: 1);
        release.SetResult();
        await page.Locator("main[data-interactive=true]").WaitForAsync();
        Assert.Equal(2, await page.Locator("tr[data-model]").CountAsync());

        // Once interactive, the page reads again on navigation: the search finds the model added meanwhile.
        await page.GetByLabel("Search models by name").FillAsync($"{prefix}-c");
        await page.GetByLabel("Search models by name").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex($"q={prefix}-c"));
        await Expect(page.Locator("tr[data-model]")).ToHaveCountAsync(1);
        await Expect(page.Locator($"tr[data-model='{prefix}-c']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ModelList_WhoseStateIsLargerThanOneSignalRMessage_StillTurnsInteractive()
    {
        // 40 models with 1,000-character descriptions: what prerendering hands to the circuit is over 40 KB.
        var prefix = Seed.Unique("large");
        var description = new string('d', 1_000);
        for (var i = 0; i < 40; i++)
        {
            await ui.Client.OkAsync("registered-models/create", new { name = $"{prefix}-{i:00}", description });
        }

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/models?q={prefix}"));
        await Expect(page.Locator("tr[data-model]")).ToHaveCountAsync(40);
        await page.GetByLabel("Search models by name").FillAsync($"{prefix}-07");
        await page.GetByLabel("Search models by name").PressAsync("Enter");
        await Expect(page.Locator("tr[data-model]")).ToHaveCountAsync(1);
    }
}
