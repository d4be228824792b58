using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

public class RunApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;

    [Fact]
    public async Task Create_ReturnsRunningRunWithNameTagAndManagedArtifactUri()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var reply = await _client.OkAsync("runs/create", new
        {
            experiment_id = experimentId,
            start_time = 1234,
            user_id = "ada",
            run_name = "first",
            tags = new[] { new { key = "source", value = "test" } },
        });
        var run = reply.Json["run"]!;
        var info = run["info"]!;
        var runId = info["run_id"]!.GetValue<string>();

        Assert.Matches("^[0-9a-f]{32}$", runId);
        Assert.Equal(runId, info["run_uuid"]!.GetValue<string>());
        Assert.Equal("RUNNING", info["status"]!.GetValue<string>());
        Assert.Equal(1234, info["start_time"]!.GetValue<long>());
        Assert.Null(info["end_time"]);
        Assert.Equal("first", info["run_name"]!.GetValue<string>());
        Assert.Equal("ada", info["user_id"]!.GetValue<string>());
        Assert.Equal($"mlflow-artifacts:/{experimentId}/{runId}/artifacts", info["artifact_uri"]!.GetValue<string>());
        Assert.Contains(run["data"]!["tags"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "mlflow.runName" && t["value"]!.GetValue<string>() == "first");
        Assert.Equal("{}", run["inputs"]!.ToJsonString());
        Assert.Null(run["data"]!["metrics"]);
    }

    [Fact]
    public async Task Create_WithoutName_GeneratesOne_AndNameTagWins()
    {
        var experimentId = await _client.CreateExperimentAsync();
        var generated = await _client.GetRunAsync(await _client.CreateRunAsync(experimentId));
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]{3}$", generated["info"]!["run_name"]!.GetValue<string>());

        var fromTag = await _client.GetRunAsync(await _client.CreateRunAsync(experimentId, tags: [new { key = "mlflow.runName", value = "tagged" }]));
        Assert.Equal("tagged", fromTag["info"]!["run_name"]!.GetValue<string>());

        var conflict = await _client.PostAsync("runs/create", new { experiment_id = experimentId, run_name = "a", tags = new[] { new { key = "mlflow.runName", value = "b" } } });
        conflict.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Create_WithoutExperimentId_UsesDefaultExperiment()
    {
        var run = (await _client.OkAsync("runs/create", new { start_time = 1 })).Json["run"]!;
        Assert.Equal("0", run["info"]!["experiment_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_InUnknownOrDeletedExperiment_Fails()
    {
        (await _client.PostAsync("runs/create", new { experiment_id = "99999" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

        var experimentId = await _client.CreateExperimentAsync();
        await _client.OkAsync("experiments/delete", new { experiment_id = experimentId });
        (await _client.PostAsync("runs/create", new { experiment_id = experimentId })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Update_ChangesOnlyGivenFields_AndRenameRewritesTag()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync(), runName: "before");
        var info = (await _client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 5000 })).Json["run_info"]!;
        Assert.Equal("FINISHED", info["status"]!.GetValue<string>());
        Assert.Equal(5000, info["end_time"]!.GetValue<long>());
        Assert.Equal("before", info["run_name"]!.GetValue<string>());

        await _client.OkAsync("runs/update", new { run_uuid = runId, run_name = "after", status = 4 });
        var run = await _client.GetRunAsync(runId);
        Assert.Equal("after", run["info"]!["run_name"]!.GetValue<string>());
        Assert.Equal("FAILED", run["info"]!["status"]!.GetValue<string>());
        Assert.Contains(run["data"]!["tags"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "mlflow.runName" && t["value"]!.GetValue<string>() == "after");

        (await _client.PostAsync("runs/update", new { run_id = runId, status = "DONE" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/update", new { run_id = runId, status = 42 })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task SetTagRunName_RenamesRun()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        await _client.OkAsync("runs/set-tag", new { run_id = runId, key = "mlflow.runName", value = "by-tag" });
        Assert.Equal("by-tag", (await _client.GetRunAsync(runId))["info"]!["run_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteAndRestore_AreSoft_AndDeletedRunsAreReadOnly()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        await _client.OkAsync("runs/delete", new { run_id = runId });
        Assert.Equal("deleted", (await _client.GetRunAsync(runId))["info"]!["lifecycle_stage"]!.GetValue<string>());

        (await _client.PostAsync("runs/set-tag", new { run_id = runId, key = "a", value = "b" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/update", new { run_id = runId, status = "FINISHED" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        await _client.OkAsync("runs/restore", new { run_id = runId });
        await _client.OkAsync("runs/set-tag", new { run_id = runId, key = "a", value = "b" });
    }

    [Fact]
    public async Task UnknownRun_Returns404Everywhere()
    {
        var missing = Guid.NewGuid().ToString("N");
        (await _client.GetAsync($"runs/get?run_id={missing}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.PostAsync("runs/delete", new { run_id = missing })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.PostAsync("runs/log-batch", new { run_id = missing })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.PostAsync("runs/update", new { run_id = missing, status = "FINISHED" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task DeleteTag_RemovesTag_UnsetKeyIs404()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        await _client.OkAsync("runs/set-tag", new { run_id = runId, key = "k", value = "v" });
        await _client.OkAsync("runs/delete-tag", new { run_id = runId, key = "k" });

        Assert.DoesNotContain((await _client.GetRunAsync(runId))["data"]!["tags"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "k");
        (await _client.PostAsync("runs/delete-tag", new { run_id = runId, key = "k" })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task LogModel_AppendsToHistoryTag_AndValidatesJson()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        var model = "{\"artifact_path\": \"model\", \"flavors\": {\"python_function\": {}}, \"utc_time_created\": \"2026-01-01 00:00:00.000000\", \"run_id\": \"" + runId + "\"}";
        await _client.OkAsync("runs/log-model", new { run_id = runId, model_json = model });
        await _client.OkAsync("runs/log-model", new { run_id = runId, model_json = model.Replace("\"model\"", "\"model2\"", StringComparison.Ordinal) });

        var history = (await _client.GetRunAsync(runId))["data"]!["tags"]!.AsArray()
            .Single(t => t!["key"]!.GetValue<string>() == "mlflow.log-model.history")!["value"]!.GetValue<string>();
        var parsed = System.Text.Json.Nodes.JsonNode.Parse(history)!.AsArray();
        Assert.Equal(["model", "model2"], parsed.Select(m => m!["artifact_path"]!.GetValue<string>()));

        (await _client.PostAsync("runs/log-model", new { run_id = runId, model_json = "{not json" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/log-model", new { run_id = runId, model_json = "{\"flavors\": {}}" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task LogInputs_LinksDatasetsOnce_WithContextTag()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        var input = new
        {
            tags = new[] { new { key = "mlflow.data.context", value = "training" } },
            dataset = new { name = "iris", digest = "abc123", source_type = "local", source = "{\"uri\": \"iris.csv\"}", schema = "{}", profile = "{\"num_rows\": 150}" },
        };
        await _client.OkAsync("runs/log-inputs", new { run_id = runId, datasets = new[] { input } });
        await _client.OkAsync("runs/log-inputs", new { run_id = runId, datasets = new[] { input } });

        var inputs = (await _client.GetRunAsync(runId))["inputs"]!["dataset_inputs"]!.AsArray();
        Assert.Single(inputs);
        Assert.Equal("iris", inputs[0]!["dataset"]!["name"]!.GetValue<string>());
        Assert.Equal("training", inputs[0]!["tags"]![0]!["value"]!.GetValue<string>());

        var bad = await _client.PostAsync("runs/log-inputs", new { run_id = runId, datasets = new[] { new { dataset = new { name = "x" } } } });
        bad.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        var longDigest = await _client.PostAsync("runs/log-inputs", new { run_id = runId, datasets = new[] { new { dataset = new { name = "x", digest = new string('d', 37), source_type = "local", source = "s" } } } });
        longDigest.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }
}
