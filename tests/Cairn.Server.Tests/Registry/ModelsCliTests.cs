using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Registry;

/// <summary>`cairn models …` as a user runs it, against a real server.</summary>
public sealed class ModelsCliTests(CairnServer server) : IClassFixture<CairnServer>
{
    private string Uri => server.BaseAddress.ToString();

    private async Task<string> ModelAsync(int versions)
    {
        var name = "cli-" + Guid.NewGuid().ToString("N")[..10];
        await server.Client.OkAsync("registered-models/create", new { name, description = "credit scoring" });
        var runId = await server.Client.CreateRunAsync(await server.Client.CreateExperimentAsync());
        for (var i = 0; i < versions; i++)
        {
            await server.Client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model" });
        }

        return name;
    }

    [Fact]
    public async Task AliasStageApproveAndHistory_WorkEndToEnd()
    {
        var name = await ModelAsync(2);

        var (aliasCode, aliasOutput) = await CliTests.RunAsync("models", "alias", "set", name, "champion", "2", "--tracking-uri", Uri);
        Assert.True(aliasCode == 0, aliasOutput);
        var (stageCode, _) = await CliTests.RunAsync("models", "stage", name, "1", "Staging", "--tracking-uri", Uri);
        Assert.Equal(0, stageCode);
        var (approveCode, approveOutput) = await CliTests.RunAsync("models", "approve", name, "2", "--comment", "auc 0.91", "--json", "--tracking-uri", Uri);
        Assert.Equal(0, approveCode);
        Assert.Equal("Approved", JsonNode.Parse(approveOutput)!["status"]!.GetValue<string>());

        var (versionsCode, versionsOutput) = await CliTests.RunAsync("models", "versions", name, "--json", "--tracking-uri", Uri);
        Assert.Equal(0, versionsCode);
        var versions = JsonNode.Parse(versionsOutput)!.AsArray();
        Assert.Equal(["1", "2"], versions.Select(v => v!["version"]!.GetValue<string>()));
        Assert.Equal("Staging", versions[0]!["current_stage"]!.GetValue<string>());
        Assert.Equal("champion", versions[1]!["aliases"]![0]!.GetValue<string>());

        var (historyCode, historyOutput) = await CliTests.RunAsync("models", "history", name, "--tracking-uri", Uri);
        Assert.Equal(0, historyCode);
        Assert.Contains("set_alias", historyOutput, StringComparison.Ordinal);
        Assert.Contains("approval", historyOutput, StringComparison.Ordinal);
        Assert.Contains("auc 0.91", historyOutput, StringComparison.Ordinal);

        var (listCode, listOutput) = await CliTests.RunAsync("models", "list", "--filter", $"name = '{name}'", "--tracking-uri", Uri);
        Assert.Equal(0, listCode);
        Assert.Contains(name, listOutput, StringComparison.Ordinal);
        Assert.Contains("champion->2", listOutput, StringComparison.Ordinal);

        var (showCode, showOutput) = await CliTests.RunAsync("models", "show", name, "--json", "--tracking-uri", Uri);
        Assert.Equal(0, showCode);
        Assert.Equal("credit scoring", JsonNode.Parse(showOutput)!["description"]!.GetValue<string>());

        var (deleteCode, _) = await CliTests.RunAsync("models", "alias", "delete", name, "champion", "--tracking-uri", Uri);
        Assert.Equal(0, deleteCode);
    }

    [Fact]
    public async Task Errors_ExitNonZeroWithTheServersMessage()
    {
        var (code, output) = await CliTests.RunAsync("models", "show", "no-such-model-" + Guid.NewGuid().ToString("N"), "--tracking-uri", Uri);
        Assert.Equal(1, code);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", output, StringComparison.Ordinal);

        var name = await ModelAsync(1);
        var (stageCode, stageOutput) = await CliTests.RunAsync("models", "stage", name, "1", "Shipped", "--tracking-uri", Uri);
        Assert.Equal(1, stageCode);
        Assert.Contains("INVALID_PARAMETER_VALUE", stageOutput, StringComparison.Ordinal);

        var (unreachable, unreachableOutput) = await CliTests.RunAsync("models", "list", "--tracking-uri", "http://127.0.0.1:1");
        Assert.Equal(1, unreachable);
        Assert.False(string.IsNullOrWhiteSpace(unreachableOutput));
    }
}
