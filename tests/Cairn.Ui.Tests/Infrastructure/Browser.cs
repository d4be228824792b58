using Microsoft.Playwright;

namespace Cairn.Ui.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium (<c>/usr/bin/chromium</c>, installed by ./test.sh) driven by Playwright; Playwright's own
/// browser download is never used. Screenshots go to <c>TestResults/screenshots</c> beside the test assembly and are
/// attached to the test's result.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (./test.sh does).");
        }

        _playwright = await Playwright.CreateAsync();
        Instance = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    /// <summary>A fresh page at 1280×800 whose default waits carry a timeout.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name, png, "image/png");
    }

    /// <summary>Opens <paramref name="url"/> and waits until the page is interactive (see <see cref="WaitForInteractiveAsync"/>).</summary>
    public static async Task OpenAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await WaitForInteractiveAsync(page);
    }

    /// <summary>
    /// Waits until the page's Blazor circuit is connected, or, on a page rendered without one (the compare page), until
    /// Blazor has started and each interactive island says it is interactive.
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page) => page.WaitForFunctionAsync("""
        () => {
            const main = document.querySelector('main');
            return main?.dataset.interactive === 'true'
                || (main?.dataset.interactive === 'static' && !!window.Blazor && !document.querySelector('[data-interactive=false]'));
        }
        """);

    public async ValueTask DisposeAsync()
    {
        if (Instance is not null)
        {
            await Instance.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
