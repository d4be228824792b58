using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

/// <summary>What MLflow 3.x clients rely on beyond 2.12: limits, key characters, IS NULL filters, the prompt rule, server-info.</summary>
public class MlflowThreeLimitsTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;

    [Fact]
    public async Task ColonKeys_LongTagsAndLongExperimentNames_AreAccepted()
    {
        var experimentId = await _client.CreateExperimentAsync(new string('e', 480) + Guid.NewGuid().ToString("N")[..8]);
        var runId = await _client.CreateRunAsync(experimentId);
        await _client.OkAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "eval:accuracy", value = 0.9, timestamp = 1, step = 0 } },
            @params = new[] { new { key = "opt:lr", value = "0.1" } },
            tags = new[] { new { key = "note", value = new string('n', 8000) } },
        });

        var data = (await _client.GetRunAsync(runId))["data"]!;
        Assert.Equal("eval:accuracy", data["metrics"]![0]!["key"]!.GetValue<string>());
        Assert.Equal(8000, data["tags"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "note")!["value"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task IsNullAndIsNotNull_OnParamsAndTags()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var tagged = await _client.CreateRunAsync(experimentId);
        var plain = await _client.CreateRunAsync(experimentId);
        await _client.OkAsync("runs/set-tag", new { run_id = tagged, key = "reviewed", value = "yes" });
        await _client.OkAsync("runs/log-parameter", new { run_id = plain, key = "lr", value = "0.1" });

        async Task<List<string>> Search(string filter) =>
            ((await _client.OkAsync("runs/search", new { experiment_ids = new[] { experimentId }, filter })).Json["runs"]?.AsArray() ?? [])
            .Select(r => r!["info"]!["run_id"]!.GetValue<string>()).ToList();

        Assert.Equal([tagged], await Search("tags.reviewed IS NOT NULL"));
        Assert.Equal([plain], await Search("tags.reviewed is null"));
        Assert.Equal([tagged], await Search("params.lr IS NULL AND tags.reviewed IS NOT NULL"));
        (await _client.PostAsync("runs/search", new { experiment_ids = new[] { experimentId }, filter = "metrics.a IS NULL" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/search", new { experiment_ids = new[] { experimentId }, filter = "tags.a IS NOT 'x'" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        var name = "nulltag-" + Guid.NewGuid().ToString("N");
        var id = await _client.CreateExperimentAsync(name);
        var experiments = await _client.OkAsync("experiments/search", new { max_results = 10, filter = $"name = '{name}' AND tags.`mlflow.gateway` IS NULL" });
        Assert.Equal(id, experiments.Json["experiments"]![0]!["experiment_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegistrySearch_FollowsThePromptRule()
    {
        var prefix = "prompt" + Guid.NewGuid().ToString("N")[..8];
        await _client.OkAsync("registered-models/create", new { name = $"{prefix}-model" });
        await _client.OkAsync("registered-models/create", new { name = $"{prefix}-prompt", tags = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" } } });
        await _client.OkAsync("registered-models/create", new { name = $"{prefix}-notprompt", tags = new[] { new { key = "mlflow.prompt.is_prompt", value = "false" } } });

        async Task<List<string>> Search(string filter) =>
            ((await _client.OkGetAsync($"registered-models/search?filter={Uri.EscapeDataString(filter)}")).Json["registered_models"]?.AsArray() ?? [])
            .Select(m => m!["name"]!.GetValue<string>()).Order().ToList();

        Assert.Equal([$"{prefix}-model", $"{prefix}-notprompt"], await Search($"name LIKE '{prefix}%'"));
        Assert.Equal([$"{prefix}-model", $"{prefix}-notprompt"], await Search($"name LIKE '{prefix}%' AND tags.`mlflow.prompt.is_prompt` != 'true'"));
        Assert.Equal([$"{prefix}-prompt"], await Search($"name LIKE '{prefix}%' AND tags.`mlflow.prompt.is_prompt` = 'true'"));
    }

    [Fact]
    public async Task ServerInfo_DescribesAnSqlStore()
    {
        var reply = await _client.GetAsync("server-info", "/api/3.0/mlflow/");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("SqlStore", reply.Json["store_type"]!.GetValue<string>());
        Assert.False(reply.Json["workspaces_enabled"]!.GetValue<bool>());
    }
}
