using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

public sealed class ExperimentsPageTests(UiServer ui) : IClassFixture<UiServer>
{
    private ILocator Row(IPage page, string name) => page.Locator("tr[data-experiment-id]").Filter(new() { Has = page.Locator($"a:text-is('{name}')") });

    [Fact]
    public async Task List_ShowsStoredRunCounts_SearchNarrowsIt_AndTheUrlKeepsTheSearch()
    {
        var alpha = Seed.Unique("alpha");
        var beta = Seed.Unique("beta");
        var alphaId = await ui.Client.CreateExperimentAsync(alpha);
        await ui.Client.CreateExperimentAsync(beta);
        for (var i = 0; i < 3; i++)
        {
            await Seed.RunAsync(ui.Client, alphaId, $"r{i}");
        }

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url("/"));
        await Expect(Row(page, alpha).Locator("td.num")).ToHaveTextAsync("3");
        await Expect(Row(page, beta).Locator("td.num")).ToHaveTextAsync("0");
        await Browser.ScreenshotAsync(page, "experiments-list");

        await page.GetByLabel("Search experiments by name").FillAsync(alpha[..10]);
        await page.GetByLabel("Search experiments by name").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=alpha"));
        await Expect(Row(page, alpha)).ToHaveCountAsync(1);
        await Expect(Row(page, beta)).ToHaveCountAsync(0);

        // The link is a real link: it opens the experiment's runs.
        await Row(page, alpha).Locator("a").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(alpha);
        await Expect(page).ToHaveURLAsync(ui.Url($"/experiments/{alphaId}"));

        await page.GoBackAsync();
        await Expect(page.GetByLabel("Search experiments by name")).ToHaveValueAsync(alpha[..10]);

        await Browser.OpenAsync(page, ui.Url("/?q=no-such-experiment-anywhere"));
        await Expect(page.Locator(".empty")).ToContainTextAsync("No experiment name contains");
    }

    [Fact]
    public async Task Create_Rename_BulkDelete_Restore_ThroughThePage()
    {
        var name = Seed.Unique("made");
        var other = Seed.Unique("other");
        await ui.Client.CreateExperimentAsync(other);
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url("/experiments"));

        await page.GetByLabel("New experiment name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(name);
        await Expect(page.Locator(".empty")).ToContainTextAsync("has no runs yet");
        Assert.Equal(name, (await ui.Client.OkGetAsync($"experiments/get-by-name?experiment_name={name}")).Json["experiment"]!["name"]!.GetValue<string>());

        await Browser.OpenAsync(page, ui.Url("/experiments"));
        await page.GetByLabel("New experiment name").FillAsync(other);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already exists");

        var renamed = name + "-renamed";
        await Row(page, name).GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await page.GetByLabel("New name", new() { Exact = true }).FillAsync(renamed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Row(page, renamed)).ToHaveCountAsync(1);

        await Row(page, renamed).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Row(page, other).GetByRole(AriaRole.Checkbox).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete selected (2)" }).ClickAsync();
        await Expect(Row(page, renamed)).ToHaveCountAsync(0);
        await Expect(Row(page, other)).ToHaveCountAsync(0);

        await page.GetByLabel("Which experiments to show").SelectOptionAsync("deleted");
        await Expect(Row(page, renamed)).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "experiments-deleted");
        await Row(page, renamed).GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();
        await Expect(Row(page, renamed)).ToHaveCountAsync(0);
        Assert.Equal("active", (await ui.Client.OkGetAsync($"experiments/get-by-name?experiment_name={renamed}")).Json["experiment"]!["lifecycle_stage"]!.GetValue<string>());
        Assert.Equal("deleted", (await ui.Client.OkGetAsync($"experiments/get-by-name?experiment_name={other}")).Json["experiment"]!["lifecycle_stage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keyboard_ReachesSearchAndLinks_AndUnknownPagesSayWhereToGo()
    {
        var name = Seed.Unique("keys");
        var id = await ui.Client.CreateExperimentAsync(name);
        var page = await ui.Browser.NewPageAsync(width: 480, height: 800);
        await Browser.OpenAsync(page, ui.Url("/experiments?q=" + name));

        // Tabbing from the top reaches the search box, then the experiment's link, which Enter follows.
        var reached = new List<string>();
        for (var i = 0; i < 40 && !reached.Contains("link:" + name); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>(
                "() => { const e = document.activeElement; return e.tagName === 'A' ? 'link:' + e.textContent : (e.getAttribute('aria-label') ?? e.tagName); }"));
        }

        Assert.Contains("Search experiments by name", reached);
        Assert.Contains("link:" + name, reached);
        await Browser.ScreenshotAsync(page, "experiments-narrow");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(ui.Url($"/experiments/{id}"));

        await Browser.OpenAsync(page, ui.Url("/runs/00000000000000000000000000000000"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Run not found");
        await Expect(page.Locator(".empty a")).ToHaveAttributeAsync("href", "experiments");
    }
}
