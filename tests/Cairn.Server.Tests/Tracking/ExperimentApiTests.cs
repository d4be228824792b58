using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

public class ExperimentApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;

    [Fact]
    public async Task DefaultExperiment_ExistsWithIdZero()
    {
        var experiment = (await _client.OkGetAsync("experiments/get?experiment_id=0")).Json["experiment"]!;

        Assert.Equal("0", experiment["experiment_id"]!.GetValue<string>());
        Assert.Equal("Default", experiment["name"]!.GetValue<string>());
        Assert.Equal("mlflow-artifacts:/0", experiment["artifact_location"]!.GetValue<string>());
        Assert.Equal("active", experiment["lifecycle_stage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ThenGetAndGetByName_ReturnSameExperimentWithTags()
    {
        var name = "create-" + Guid.NewGuid().ToString("N");
        var created = await _client.OkAsync("experiments/create", new { name, tags = new[] { new { key = "team", value = "vision" } } });
        var id = created.Json["experiment_id"]!.GetValue<string>();

        var byId = (await _client.OkGetAsync($"experiments/get?experiment_id={id}")).Json["experiment"]!;
        var byName = (await _client.OkGetAsync($"experiments/get-by-name?experiment_name={name}")).Json["experiment"]!;

        Assert.Equal(name, byId["name"]!.GetValue<string>());
        Assert.Equal($"mlflow-artifacts:/{id}", byId["artifact_location"]!.GetValue<string>());
        Assert.Equal("vision", byId["tags"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(byId.ToJsonString(), byName.ToJsonString());
        Assert.True(byId["creation_time"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task Create_DuplicateName_IncludingDeleted_ReturnsResourceAlreadyExists()
    {
        var name = "dup-" + Guid.NewGuid().ToString("N");
        var id = await _client.CreateExperimentAsync(name);
        (await _client.PostAsync("experiments/create", new { name })).AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");

        await _client.OkAsync("experiments/delete", new { experiment_id = id });
        (await _client.PostAsync("experiments/create", new { name })).AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
    }

    [Fact]
    public async Task Create_ArtifactLocationIsALabelOnly_RunsStillUseManagedStorage()
    {
        var name = "label-" + Guid.NewGuid().ToString("N");
        var id = (await _client.OkAsync("experiments/create", new { name, artifact_location = "/etc" })).Json["experiment_id"]!.GetValue<string>();
        var runId = await _client.CreateRunAsync(id);

        var run = await _client.GetRunAsync(runId);
        Assert.Equal($"mlflow-artifacts:/{id}/{runId}/artifacts", run["info"]!["artifact_uri"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("s3://bucket/path#frag")]
    [InlineData("file:///tmp/x;param=1")]
    [InlineData("http://host/path?x=../../etc")]
    public async Task Create_SuspiciousArtifactLocation_Returns400(string location)
    {
        var reply = await _client.PostAsync("experiments/create", new { name = "loc-" + Guid.NewGuid().ToString("N"), artifact_location = location });
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task GetUnknown_Returns404()
    {
        (await _client.GetAsync("experiments/get?experiment_id=987654")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.GetAsync("experiments/get-by-name?experiment_name=nope-nothing")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task DeleteAndRestore_CascadeToRuns()
    {
        var id = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(id);

        await _client.OkAsync("experiments/delete", new { experiment_id = id });
        var deleted = (await _client.OkGetAsync($"experiments/get?experiment_id={id}")).Json["experiment"]!;
        Assert.Equal("deleted", deleted["lifecycle_stage"]!.GetValue<string>());
        Assert.Equal("deleted", (await _client.GetRunAsync(runId))["info"]!["lifecycle_stage"]!.GetValue<string>());
        (await _client.PostAsync("runs/log-metric", new { run_id = runId, key = "m", value = 1, timestamp = 1 }))
            .AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("experiments/delete", new { experiment_id = id })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

        await _client.OkAsync("experiments/restore", new { experiment_id = id });
        Assert.Equal("active", (await _client.GetRunAsync(runId))["info"]!["lifecycle_stage"]!.GetValue<string>());
        (await _client.PostAsync("experiments/restore", new { experiment_id = id })).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Update_RenamesAndRejectsTakenOrDeleted()
    {
        var id = await _client.CreateExperimentAsync();
        var other = "taken-" + Guid.NewGuid().ToString("N");
        await _client.CreateExperimentAsync(other);
        var newName = "renamed-" + Guid.NewGuid().ToString("N");

        await _client.OkAsync("experiments/update", new { experiment_id = id, new_name = newName });
        Assert.Equal(newName, (await _client.OkGetAsync($"experiments/get?experiment_id={id}")).Json["experiment"]!["name"]!.GetValue<string>());

        (await _client.PostAsync("experiments/update", new { experiment_id = id, new_name = other }))
            .AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
        (await _client.PostAsync("experiments/update", new { experiment_id = id }))
            .AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        await _client.OkAsync("experiments/delete", new { experiment_id = id });
        (await _client.PostAsync("experiments/update", new { experiment_id = id, new_name = "x" + Guid.NewGuid().ToString("N") }))
            .AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task SetExperimentTag_UpsertsAndEnforcesLimits()
    {
        var id = await _client.CreateExperimentAsync();
        await _client.OkAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = "1" });
        await _client.OkAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = "2" });

        var tags = (await _client.OkGetAsync($"experiments/get?experiment_id={id}")).Json["experiment"]!["tags"]!.AsArray();
        Assert.Single(tags);
        Assert.Equal("2", tags[0]!["value"]!.GetValue<string>());

        (await _client.PostAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = new string('v', 5001) }))
            .AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Search_FiltersOrdersAndPages()
    {
        var prefix = "search-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 5; i++)
        {
            var id = await _client.CreateExperimentAsync($"{prefix}-{i}");
            await _client.OkAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "parity", value = i % 2 == 0 ? "even" : "odd" });
        }

        var even = await _client.OkAsync("experiments/search", new { max_results = 10, filter = $"name LIKE '{prefix}%' AND tags.parity = 'even'", order_by = new[] { "name DESC" } });
        var names = even.Json["experiments"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()).ToList();
        Assert.Equal([$"{prefix}-4", $"{prefix}-2", $"{prefix}-0"], names);

        var first = await _client.OkAsync("experiments/search", new { max_results = 2, filter = $"name LIKE '{prefix}%'", order_by = new[] { "name ASC" } });
        var token = first.Json["next_page_token"]!.GetValue<string>();
        var second = await _client.OkAsync("experiments/search", new { max_results = 2, filter = $"name LIKE '{prefix}%'", order_by = new[] { "name ASC" }, page_token = token });
        Assert.Equal($"{prefix}-2", second.Json["experiments"]![0]!["name"]!.GetValue<string>());

        var viaGet = await _client.OkGetAsync($"experiments/search?max_results=10&filter={Uri.EscapeDataString($"name = '{prefix}-3'")}");
        Assert.Single(viaGet.Json["experiments"]!.AsArray());
    }

    [Fact]
    public async Task Search_LikeIsCaseSensitive_ILikeIsNot()
    {
        var prefix = "CaseTest-" + Guid.NewGuid().ToString("N")[..8];
        await _client.CreateExperimentAsync(prefix);

        var like = await _client.OkAsync("experiments/search", new { max_results = 10, filter = $"name LIKE '{prefix.ToLowerInvariant()}'" });
        var ilike = await _client.OkAsync("experiments/search", new { max_results = 10, filter = $"name ILIKE '{prefix.ToLowerInvariant()}'" });

        Assert.Null(like.Json["experiments"]);
        Assert.Single(ilike.Json["experiments"]!.AsArray());
    }

    [Fact]
    public async Task Search_DeletedOnlyAndAll_ViewTypes()
    {
        var name = "view-" + Guid.NewGuid().ToString("N");
        var id = await _client.CreateExperimentAsync(name);
        await _client.OkAsync("experiments/delete", new { experiment_id = id });

        var active = await _client.OkAsync("experiments/search", new { max_results = 10, filter = $"name = '{name}'" });
        var deleted = await _client.OkAsync("experiments/search", new { max_results = 10, filter = $"name = '{name}'", view_type = "DELETED_ONLY" });
        var all = await _client.OkAsync("experiments/search", new { max_results = 10, filter = $"name = '{name}'", view_type = 3 });

        Assert.Null(active.Json["experiments"]);
        Assert.Single(deleted.Json["experiments"]!.AsArray());
        Assert.Single(all.Json["experiments"]!.AsArray());
    }

    [Fact]
    public async Task LegacyList_ReturnsActiveExperiments()
    {
        var name = "legacy-" + Guid.NewGuid().ToString("N");
        await _client.CreateExperimentAsync(name);

        var list = await _client.OkGetAsync("experiments/list");
        Assert.Contains(list.Json["experiments"]!.AsArray(), e => e!["name"]!.GetValue<string>() == name);
    }

    [Fact]
    public async Task AjaxApiPrefix_ServesSameHandlers()
    {
        var reply = await _client.GetAsync("experiments/get?experiment_id=0", "/ajax-api/2.0/mlflow/");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("Default", reply.Json["experiment"]!["name"]!.GetValue<string>());
    }
}
