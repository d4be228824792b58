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

        await _client.OkAsync("runs/set-tag", new { run_id = runId, key = "team:owner", value = "ml" });
        await _client.OkAsync("runs/log-metric", new { run_id = runId, key = "val:loss", value = 0.5, timestamp = 2, step = 0 });
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "data:rows", value = "150" });
        // Longer values are cut to the limit, as MLflow's server does by default (MLFLOW_TRUNCATE_LONG_VALUES).
        await _client.OkAsync("runs/set-tag", new { run_id = runId, key = "long", value = new string('l', 8001) });
        (await _client.PostAsync("experiments/create", new { name = new string('e', 501) })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await _client.CreateExperimentAsync(new string('x', 468) + Guid.NewGuid().ToString("N"));

        var data = (await _client.GetRunAsync(runId))["data"]!;
        Assert.Equal(["eval:accuracy", "val:loss"], data["metrics"]!.AsArray().Select(m => m!["key"]!.GetValue<string>()).Order());
        Assert.Equal(["data:rows", "opt:lr"], data["params"]!.AsArray().Select(m => m!["key"]!.GetValue<string>()).Order());
        Assert.Contains(data["tags"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "team:owner");
        Assert.Equal(8000, data["tags"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "long")!["value"]!.GetValue<string>().Length);
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
        Assert.Equal([$"{prefix}-prompt"], await Search($"name LIKE '{prefix}%' AND tags.`mlflow.prompt.is_prompt` != 'false'"));

        // Any other condition on the prompt tag is dropped, as MLflow's SQL store does: '= false' still lists models without the tag.
        Assert.Equal([$"{prefix}-model", $"{prefix}-notprompt"], await Search($"name LIKE '{prefix}%' AND tags.`mlflow.prompt.is_prompt` = 'false'"));
    }

    [Fact]
    public async Task PromptVersions_KeepTheirTemplateSource_AndVersionSearchHidesThem()
    {
        var prefix = "pv" + Guid.NewGuid().ToString("N")[..8];
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        await _client.OkAsync("registered-models/create", new { name = $"{prefix}-model" });
        await _client.OkAsync("model-versions/create", new { name = $"{prefix}-model", source = $"runs:/{runId}/model" });

        // A prompt version as MLflow's prompt registry writes it: the template (up to 100,000 characters) is a version tag.
        await _client.OkAsync("registered-models/create", new { name = $"{prefix}-prompt", tags = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" } } });
        var template = new string('t', 100_000);
        var promptTags = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" }, new { key = "mlflow.prompt.text", value = template } };
        var prompt = (await _client.OkAsync("model-versions/create", new { name = $"{prefix}-prompt", source = "prompt-template", tags = promptTags })).Json["model_version"]!;
        Assert.Equal("prompt-template", prompt["source"]!.GetValue<string>());
        Assert.Equal("prompt-template", (await _client.OkGetAsync($"model-versions/get-download-uri?name={prefix}-prompt&version=1")).Json["artifact_uri"]!.GetValue<string>());
        var tooLong = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" }, new { key = "mlflow.prompt.text", value = template + "t" } };
        (await _client.PostAsync("model-versions/create", new { name = $"{prefix}-prompt", source = "prompt-template", tags = tooLong })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("model-versions/create", new { name = $"{prefix}-prompt", source = "prompt-template" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("model-versions/create", new { name = $"{prefix}-model", source = $"models:/{prefix}-prompt/1" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await _client.OkAsync("registered-models/set-tag", new { name = $"{prefix}-model", key = "notes", value = template });

        async Task<List<string>> Search(string filter) =>
            ((await _client.OkGetAsync($"model-versions/search?filter={Uri.EscapeDataString(filter)}")).Json["model_versions"]?.AsArray() ?? [])
            .Select(v => v!["name"]!.GetValue<string>()).Order().ToList();

        Assert.Equal([$"{prefix}-model"], await Search($"name LIKE '{prefix}%'"));
        Assert.Equal([$"{prefix}-model"], await Search($"name LIKE '{prefix}%' AND tags.`mlflow.prompt.is_prompt` != 'true'"));
        Assert.Equal([$"{prefix}-prompt"], await Search($"name LIKE '{prefix}%' AND tags.`mlflow.prompt.is_prompt` = 'true'"));
        Assert.Equal([$"{prefix}-prompt"], await Search($"name LIKE '{prefix}%' AND tags.`mlflow.prompt.is_prompt` != 'false'"));
    }

    [Fact]
    public async Task UnknownRoutes_AnswerEndpointNotFound_AndVersionStaysBelowSpanExport()
    {
        // The 3.x client falls back from v3 to v2 trace routes, and then gives up, only on this exact error code.
        (await _client.PostAsync("traces", new { trace = new { trace_info = new { } } }, "/api/3.0/mlflow/")).AssertError(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");
        (await _client.PostAsync("traces", new { }, MlflowHttp.Api)).AssertError(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");
        (await _client.GetAsync("traces/tr-1/info")).AssertError(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");
        (await _client.GetAsync("scorers/list?experiment_id=0", "/ajax-api/3.0/mlflow/")).AssertError(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");

        // Clients export spans to /v1/traces only from 3.4 on; until that route exists the reported version stays below.
        var version = await _client.GetAsync("version", "/");
        Assert.Equal(HttpStatusCode.OK, version.Status);
        Assert.True(Version.Parse(version.Text.Trim()) < new Version(3, 4), $"/version answered {version.Text}");
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
