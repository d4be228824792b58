using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

/// <summary>The bulk run routes and the CSV export under <c>/api/2.0/cairn/runs</c>, over HTTP on a real server.</summary>
public class BulkRunApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private const string Cairn = "/api/2.0/cairn/";

    private readonly MlflowHttp _client = server.Client;

    private async Task<int> ActiveRunsAsync(string experiment, string filter = "")
    {
        var reply = await _client.OkAsync("runs/search", new { experiment_ids = new[] { experiment }, filter, max_results = 1000 });
        return reply.Json["runs"]?.AsArray().Count ?? 0;
    }

    [Fact]
    public async Task DeleteAFilterResult_ThenUndo_BringsExactlyThoseRunsBack()
    {
        var experiment = await _client.CreateExperimentAsync();
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateRunAsync(experiment, tags: [new { key = "team", value = "a" }]);
        }

        await _client.CreateRunAsync(experiment, tags: [new { key = "team", value = "b" }]);
        var selection = new { experiment_ids = new[] { experiment }, filter = "tags.team = 'a'" };

        var preview = await _client.PostAsync("runs/bulk/preview", selection, Cairn);
        var applied = await _client.PostAsync("runs/bulk/apply",
            new { selection.experiment_ids, selection.filter, action = "delete", expected_count = 3 }, Cairn);

        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Equal(3, preview.Json["runs"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, applied.Status);
        Assert.Equal(3, applied.Json["done"]!.GetValue<long>());
        Assert.Equal(1, await ActiveRunsAsync(experiment));

        var token = applied.Json["undo_token"]!.GetValue<string>();
        Assert.True(applied.Json["undo_until"]!.GetValue<long>() > TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 1_000);
        var undone = await _client.PostAsync("runs/bulk/undo", new { undo_token = token }, Cairn);

        Assert.Equal(HttpStatusCode.OK, undone.Status);
        Assert.True(undone.Json["is_undo"]!.GetValue<bool>());
        Assert.Equal(4, await ActiveRunsAsync(experiment));
        (await _client.PostAsync("runs/bulk/undo", new { undo_token = token }, Cairn)).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task MoveByIds_ReportsUnknownRuns_AndTheTargetExperimentListsTheRun()
    {
        var source = await _client.CreateExperimentAsync();
        var target = await _client.CreateExperimentAsync();
        var run = await _client.CreateRunAsync(source);

        var reply = await _client.PostAsync("runs/bulk/apply",
            new { run_ids = new[] { run, "0000000000000000000000000000beef" }, action = "move", target_experiment_id = target }, Cairn);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal((1, 1), (reply.Json["done"]!.GetValue<long>(), reply.Json["failed"]!.GetValue<long>()));
        Assert.Equal("run not found", reply.Json["reasons"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(target, (await _client.GetRunAsync(run))["info"]!["experiment_id"]!.GetValue<string>());
        Assert.Equal(1, await ActiveRunsAsync(target));
        Assert.Equal(0, await ActiveRunsAsync(source));
    }

    public static TheoryData<string> InvalidBodies => new()
    {
        """{"action":"delete"}""",
        """{"run_ids":["abc"],"experiment_ids":["0"],"action":"delete"}""",
        """{"run_ids":["abc"],"filter":"tags.a = 'b'","action":"delete"}""",
        """{"experiment_ids":["0"],"action":"explode"}""",
        """{"experiment_ids":["0"],"action":"1"}""",
        """{"experiment_ids":["0"],"filter":"metrics.loss <","action":"delete"}""",
        """{"experiment_ids":["0"],"action":"purge"}""",
        """{"experiment_ids":["0"],"action":"move"}""",
        """{"experiment_ids":["0"],"action":"tag"}""",
        """{"experiment_ids":["0"],"action":"tag","tag":{"key":"mlflow.user","value":"x"}}""",
        """{"experiment_ids":["x"],"action":"delete"}""",
        """{"experiment_ids":["0"],"action":"delete","expected_count":-1}""",
        """{"experiment_ids":["0"],"action":"delete","run_view_type":"SOMETIMES"}""",
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task InvalidRequests_Are400_InvalidParameterValue_AndChangeNothing(string body)
    {
        var reply = await _client.PostRawAsync("runs/bulk/apply", body, prefix: Cairn);

        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task AStaleConfirmation_IsRefused_AndNothingIsDeleted()
    {
        var experiment = await _client.CreateExperimentAsync();
        await _client.CreateRunAsync(experiment);

        var reply = await _client.PostAsync("runs/bulk/apply", new { experiment_ids = new[] { experiment }, action = "delete", expected_count = 2 }, Cairn);

        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Equal(1, await ActiveRunsAsync(experiment));
    }

    [Fact]
    public async Task ExportCsv_StreamsEveryMatchingRun_WithParamsMetricsAndTags_Quoted()
    {
        var experiment = await _client.CreateExperimentAsync();
        var quoted = await _client.CreateRunAsync(experiment, runName: "with, comma");
        await _client.OkAsync("runs/log-batch", new
        {
            run_id = quoted,
            metrics = new[] { new { key = "loss", value = 0.125, timestamp = 1L, step = 0L } },
            @params = new[] { new { key = "note", value = "say \"hi\"\nthen go" } },
            tags = new[] { new { key = "team", value = "a" } },
        });
        var plain = await _client.CreateRunAsync(experiment, runName: "plain");
        await _client.OkAsync("runs/log-batch", new { run_id = plain, tags = new[] { new { key = "team", value = "b" } } });

        using var response = await _client.Http.GetAsync($"{Cairn}runs/export-csv?experiment_ids={experiment}", TestContext.Current.CancellationToken);
        var csv = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"runs-{experiment}.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var lines = csv.Split("\r\n");
        var header = lines[0].Split(',');
        Assert.Equal(["run_id", "run_name", "experiment_id"], header[..3]);
        Assert.Contains("params.note", header);
        Assert.Contains("metrics.loss", header);
        Assert.Contains("tags.team", header);
        // The quoted run's note holds a line break inside quotes, so its record spans two physical lines.
        Assert.Contains($"{quoted},\"with, comma\",{experiment},RUNNING", csv, StringComparison.Ordinal);
        Assert.Contains("\"say \"\"hi\"\"\nthen go\"", csv, StringComparison.Ordinal);
        Assert.Contains(",0.125,", csv, StringComparison.Ordinal);
        Assert.Contains($"{plain},plain,{experiment}", csv, StringComparison.Ordinal);
        Assert.Equal("", lines[^1]);

        var filtered = await _client.Http.GetStringAsync($"{Cairn}runs/export-csv?experiment_ids={experiment}&filter=tags.team%20%3D%20%27b%27", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(quoted, filtered, StringComparison.Ordinal);
        Assert.Contains(plain, filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportCsv_WithABadFilter_Is400()
    {
        var reply = await _client.GetAsync("runs/export-csv?experiment_ids=0&filter=metrics.loss%20%3C", Cairn);

        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }
}
