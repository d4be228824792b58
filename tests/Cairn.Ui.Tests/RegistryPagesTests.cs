using Cairn.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cairn.Ui.Tests;

/// <summary>The registry pages against a server that requires approval for Production and the <c>champion</c> alias.</summary>
public sealed class RegistryPagesTests(GatedUiServer ui) : IClassFixture<GatedUiServer>
{
    [Fact]
    public async Task ModelList_ToModel_ToVersion_ShowsSignatureExampleAndLineage()
    {
        var name = Seed.Unique("credit");
        var versions = await RegistrySeed.ModelAsync(ui.Client, name, versions: 2);
        var page = await ui.Browser.NewPageAsync();

        await Browser.OpenAsync(page, ui.Url($"/models?q={name}"));
        var row = page.Locator($"tr[data-model='{name}']");
        await Expect(row).ToContainTextAsync("v2");
        await Expect(page.Locator("tr[data-model]")).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "registry-model-list");

        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Expect(page.Locator("tr[data-version]")).ToHaveCountAsync(2);
        await Expect(page.Locator("tr[data-version='1'] [data-approval]")).ToHaveTextAsync("pending");
        await Expect(page.GetByLabel("Model description")).ToHaveValueAsync("Credit default risk");
        await Browser.ScreenshotAsync(page, "registry-model-page");

        await page.Locator("tr[data-version='2']").GetByRole(AriaRole.Link, new() { Name = "v2" }).ClickAsync();
        await Expect(page.Locator("[data-version-number]")).ToHaveTextAsync("v2");
        var inputs = page.GetByRole(AriaRole.Table, new() { Name = "Inputs", Exact = true });
        await Expect(inputs.Locator("tr[data-field='age']")).ToContainTextAsync("double");
        await Expect(inputs.Locator("tr[data-field='city']")).ToContainTextAsync("string");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Outputs", Exact = true })).ToContainTextAsync("tensor float64 [-1]");
        await Expect(page.GetByLabel("Input example")).ToContainTextAsync("Lyon");
        await Expect(page.Locator("tr[data-dataset='credit-train']")).ToContainTextAsync("training");
        var runLink = page.Locator("a[data-run-link]");
        await Expect(runLink).ToHaveTextAsync(versions[1].RunName);
        await Expect(runLink).ToHaveAttributeAsync("href", $"runs/{versions[1].RunId}");
        await Browser.ScreenshotAsync(page, "registry-version-page");

        // Tags are edited on the page and stored on the version.
        await page.GetByLabel("Version tag key").FillAsync("validated");
        await page.GetByLabel("Version tag value").FillAsync("yes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set tag" }).ClickAsync();
        await Expect(page.Locator("tr[data-tag='validated']")).ToContainTextAsync("yes");
        var stored = (await ui.Client.OkGetAsync($"model-versions/get?name={name}&version=2")).Json["model_version"]!["tags"]!.AsArray();
        Assert.Contains(stored, t => t!["key"]!.GetValue<string>() == "validated" && t["value"]!.GetValue<string>() == "yes");

        // The lineage link leads to the run page.
        await runLink.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(versions[1].RunName);
    }

    [Fact]
    public async Task VersionPage_ShowsTheMlflow3LoggedModelItWasRegisteredFrom()
    {
        var name = Seed.Unique("logged");
        var modelId = await RegistrySeed.LoggedModelVersionAsync(ui.Client, name);
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/models/{name}/versions/1"));
        var logged = page.Locator($"[data-logged-model='{modelId}']");
        await Expect(logged).ToContainTextAsync("classifier");
        await Expect(logged).ToContainTextAsync("Ready");
        await Expect(logged).ToContainTextAsync("param lr");
        await Expect(page.GetByLabel("Input example")).ToContainTextAsync("Porto");
        await Expect(page.Locator("a[data-run-link]")).ToHaveTextAsync("train-logged");
        await Browser.ScreenshotAsync(page, "registry-version-logged-model");
    }

    [Fact]
    public async Task EmptyAndMissingStates_SayWhatToDo()
    {
        var page = await ui.Browser.NewPageAsync(width: 420, height: 800);
        await Browser.OpenAsync(page, ui.Url("/models?q=no-model-has-this-name"));
        await Expect(page.Locator(".empty")).ToContainTextAsync("Clear the search");
        await Browser.OpenAsync(page, ui.Url("/models/no-such-model"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Model not found");
        await Expect(page.Locator(".empty a[href='models']")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "registry-missing-model-narrow");
    }

    [Fact]
    public async Task AliasRollback_FromTheTimeline_PassesTheApprovalGate_AndShowsTheAuditEntry()
    {
        var name = Seed.Unique("rollback");
        await RegistrySeed.ModelAsync(ui.Client, name, versions: 3);
        await RegistrySeed.DecideAsync(ui.Client, name, 1, "Approved");
        await RegistrySeed.DecideAsync(ui.Client, name, 2, "Approved");
        await ui.Client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "1" });
        await ui.Client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "2" });

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/models/{name}"));
        var champion = page.Locator("section.timeline[data-track='champion']");
        await Expect(champion.Locator("li[data-current='true']")).ToHaveAttributeAsync("data-version", "2");
        await Expect(champion.Locator("li[data-version='1']")).ToContainTextAsync("ended: moved to v2");
        await Browser.ScreenshotAsync(page, "registry-alias-timeline");

        await champion.GetByRole(AriaRole.Button, new() { Name = "Roll back champion to version 1" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("champion now points at version 1");
        await Expect(champion.Locator("li[data-current='true']")).ToHaveAttributeAsync("data-version", "1");
        var newest = page.GetByRole(AriaRole.Table, new() { Name = "Audit trail" }).Locator("tbody tr").First;
        await Expect(newest).ToHaveAttributeAsync("data-action", "set_alias");
        await Expect(newest).ToContainTextAsync("champion");
        await Expect(newest).ToContainTextAsync("2 → 1");
        await Browser.ScreenshotAsync(page, "registry-alias-rolled-back");

        // The rollback went through the registry store as the REST API does: the alias moved and the trail recorded it.
        var alias = (await ui.Client.OkGetAsync($"registered-models/alias?name={name}&alias=champion")).Json["model_version"]!;
        Assert.Equal("1", alias["version"]!.GetValue<string>());
        var audit = (await ui.Client.OkGetAsync($"audit?name={name}&maxResults=1", "/api/v1/registry/")).Json["events"]!.AsArray();
        Assert.Equal("set_alias", audit[0]!["action"]!.GetValue<string>());
        Assert.Equal("2", audit[0]!["before"]!.GetValue<string>());
        Assert.Equal("1", audit[0]!["after"]!.GetValue<string>());

        // The approval gate applies to the page too: an unapproved version cannot take the protected alias until approved.
        await page.GetByLabel("Alias name").FillAsync("champion");
        await page.GetByLabel("Alias version").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set alias" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("approv");
        await Expect(champion.Locator("li[data-current='true']")).ToHaveAttributeAsync("data-version", "1");

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve version 3" }).ClickAsync();
        await Expect(page.Locator("tr[data-version='3'] [data-approval]")).ToHaveTextAsync("approved");
        await page.GetByLabel("Alias name").FillAsync("champion");
        await page.GetByLabel("Alias version").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set alias" }).ClickAsync();
        await Expect(champion.Locator("li[data-current='true']")).ToHaveAttributeAsync("data-version", "3");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task StageRollback_MovesTheEarlierVersionBack_AndArchivesTheCurrentOne()
    {
        var name = Seed.Unique("stages");
        await RegistrySeed.ModelAsync(ui.Client, name, versions: 2);
        await RegistrySeed.DecideAsync(ui.Client, name, 1, "Approved");
        await RegistrySeed.DecideAsync(ui.Client, name, 2, "Approved");
        await ui.Client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production", archive_existing_versions = false });
        await ui.Client.OkAsync("model-versions/transition-stage", new { name, version = "2", stage = "Production", archive_existing_versions = true });

        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/models/{name}"));
        var production = page.Locator("section.timeline[data-track='Production']");
        await Expect(production.Locator("li[data-current='true']")).ToHaveAttributeAsync("data-version", "2");
        await production.GetByRole(AriaRole.Button, new() { Name = "Roll back Production to version 1" }).ClickAsync();
        await Expect(production.Locator("li[data-current='true']")).ToHaveAttributeAsync("data-version", "1");
        await Expect(page.Locator("tr[data-version='2'] td").Nth(2)).ToHaveTextAsync("Archived");
        await Expect(page.Locator("tr[data-version='1'] td").Nth(2)).ToHaveTextAsync("Production");
        var newest = page.GetByRole(AriaRole.Table, new() { Name = "Audit trail" }).Locator("tbody tr").First;
        await Expect(newest).ToHaveAttributeAsync("data-action", "transition_stage");
        await Expect(newest).ToContainTextAsync("Archived → Production");

        // Archived is where versions retire: its history has no rollback buttons.
        await Expect(page.Locator("section.timeline[data-track='Archived']")).ToBeVisibleAsync();
        await Expect(page.Locator("section.timeline[data-track='Archived'] button")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "registry-stage-rolled-back");
    }

    [Fact]
    public async Task CompareTwoVersions_ShowsParamsMetricsAndSignatureDifferences()
    {
        var name = Seed.Unique("compare");
        await RegistrySeed.ModelAsync(ui.Client, name, versions: 3);
        var page = await ui.Browser.NewPageAsync();
        await Browser.OpenAsync(page, ui.Url($"/models/{name}"));
        await page.GetByLabel("Compare version 1").CheckAsync();
        await page.GetByLabel("Compare version 3").CheckAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Compare v1 and v3" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("compare\\?a=1&b=3$"));

        var parameters = page.GetByRole(AriaRole.Table, new() { Name = "Parameters" });
        await Expect(parameters.Locator("tr[data-key='lr']")).ToHaveAttributeAsync("data-change", "changed");
        await Expect(parameters.Locator("tr[data-key='lr']")).ToContainTextAsync("0.1");
        await Expect(parameters.Locator("tr[data-key='lr']")).ToContainTextAsync("0.3");
        await Expect(parameters.Locator("tr[data-key='trees']")).ToHaveAttributeAsync("data-change", "same");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Metrics" }).Locator("tr[data-metric='auc'] [data-delta]")).ToHaveTextAsync("+0.02");
        var inputs = page.GetByRole(AriaRole.Table, new() { Name = "Signature inputs" });
        await Expect(inputs.Locator("tr[data-key='income']")).ToHaveAttributeAsync("data-change", "added");
        await Expect(inputs.Locator("tr[data-key='age']")).ToHaveAttributeAsync("data-change", "same");
        await Browser.ScreenshotAsync(page, "registry-compare");

        await page.GetByLabel("Only differences").CheckAsync();
        await Expect(parameters.Locator("tr[data-key='trees']")).ToHaveCountAsync(0);
        await Expect(parameters.Locator("tr[data-key='lr']")).ToHaveCountAsync(1);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("diff=true"));
    }
}
