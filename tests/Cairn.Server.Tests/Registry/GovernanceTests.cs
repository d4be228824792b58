using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Registry;

/// <summary>A server started with <c>--require-approval</c>.</summary>
public sealed class ApprovalRequiredServer : CairnServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Registry:RequireApproval=true"];
}

public sealed class GovernanceTests(ApprovalRequiredServer server) : IClassFixture<ApprovalRequiredServer>
{
    private readonly MlflowHttp _client = server.Client;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<string> ModelWithVersionsAsync(int versions)
    {
        var name = "gov-" + Guid.NewGuid().ToString("N")[..10];
        await _client.OkAsync("registered-models/create", new { name });
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        for (var i = 0; i < versions; i++)
        {
            await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model" });
        }

        return name;
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> DecideAsync(string name, string version, string decision, string comment = "looks good")
    {
        using var response = await _client.Http.PostAsync($"/api/v1/registry/models/{name}/versions/{version}/approval",
            new StringContent(JsonSerializer.Serialize(new { decision, comment }), System.Text.Encoding.UTF8, "application/json"), Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task Production_AndChampion_RequireApproval()
    {
        var name = await ModelWithVersionsAsync(2);

        (await _client.PostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production" })).AssertError(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        (await _client.PostAsync("registered-models/alias", new { name, alias = "champion", version = "1" })).AssertError(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" });
        await _client.OkAsync("registered-models/alias", new { name, alias = "challenger", version = "1" });

        var (status, approval) = await DecideAsync(name, "1", "Approved");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Approved", approval!["status"]!.GetValue<string>());
        Assert.Equal("unknown", approval["actor"]!.GetValue<string>());
        Assert.Equal("looks good", approval["comment"]!.GetValue<string>());

        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production" });
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "1" });

        var (rejected, _) = await DecideAsync(name, "2", "Rejected", "bias too high");
        Assert.Equal(HttpStatusCode.OK, rejected);
        var denied = await _client.PostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Production" });
        denied.AssertError(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        Assert.Contains("Rejected", denied.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", (await _client.OkGetAsync($"registered-models/alias?name={name}&alias=champion")).Json["model_version"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApprovalRequests_AreValidated()
    {
        var name = await ModelWithVersionsAsync(1);
        var (badDecision, body) = await DecideAsync(name, "1", "Maybe");
        Assert.Equal(HttpStatusCode.BadRequest, badDecision);
        Assert.Equal("INVALID_PARAMETER_VALUE", body!["errorCode"]!.GetValue<string>());
        var (missing, missingBody) = await DecideAsync(name, "7", "Approved");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", missingBody!["errorCode"]!.GetValue<string>());
        var (badVersion, _) = await DecideAsync(name, "x", "Approved");
        Assert.Equal(HttpStatusCode.BadRequest, badVersion);
    }

    [Fact]
    public async Task AuditTrail_RecordsEveryChangeWithBeforeAndAfter()
    {
        var name = await ModelWithVersionsAsync(2);
        await _client.OkAsync("registered-models/set-tag", new { name, key = "owner", value = "ana" });
        await _client.OkAsync("registered-models/set-tag", new { name, key = "owner", value = "bo" });
        await _client.SendAsync(HttpMethod.Patch, MlflowHttp.Api + "registered-models/update", JsonSerializer.Serialize(new { name, description = "v2" }));
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" });
        await DecideAsync(name, "2", "Approved");
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "2" });
        var renamed = name + "-renamed";
        await _client.OkAsync("registered-models/rename", new { name, new_name = renamed });
        await _client.SendAsync(HttpMethod.Delete, MlflowHttp.Api + "model-versions/delete", JsonSerializer.Serialize(new { name = renamed, version = "1" }));

        using var response = await _client.Http.GetAsync($"/api/v1/registry/audit?name={renamed}", Cancel);
        var events = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["events"]!.AsArray()
            .Select(e => (Action: e!["action"]!.GetValue<string>(), Subject: e["subject"]?.GetValue<string>(), Before: e["before"]?.GetValue<string>(), After: e["after"]?.GetValue<string>(), Actor: e["actor"]!.GetValue<string>()))
            .Reverse().ToList();

        Assert.Equal(
        [
            "create_model", "create_version", "create_version", "set_model_tag", "set_model_tag", "update_model_description",
            "transition_stage", "approval", "set_alias", "rename_model", "delete_version",
        ], events.Select(e => e.Action));
        Assert.Equal(("owner", "ana", "bo"), (events[4].Subject, events[4].Before, events[4].After));
        Assert.Equal(("None", "Staging"), (events[6].Before, events[6].After));
        Assert.Equal(("PendingApproval", "Approved"), (events[7].Before, events[7].After));
        Assert.Equal((name, renamed), (events[9].Before, events[9].After));
        Assert.All(events, e => Assert.Equal("unknown", e.Actor));

        using var paged = await _client.Http.GetAsync($"/api/v1/registry/audit?name={renamed}&maxResults=4", Cancel);
        var page = JsonNode.Parse(await paged.Content.ReadAsStringAsync(Cancel))!;
        Assert.Equal(4, page["events"]!.AsArray().Count);
        Assert.NotNull(page["nextPageToken"]);

        using var missingName = await _client.Http.GetAsync("/api/v1/registry/audit", Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, missingName.StatusCode);
        Assert.Equal("application/problem+json", missingName.Content.Headers.ContentType!.MediaType);
    }
}
