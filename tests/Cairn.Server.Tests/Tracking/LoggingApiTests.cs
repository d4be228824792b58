using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

public class LoggingApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;

    private async Task<string> NewRunAsync() => await _client.CreateRunAsync(await _client.CreateExperimentAsync());

    [Fact]
    public async Task Params_AreWriteOnce_SameValueIsAccepted()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });

        (await _client.PostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.2" }))
            .AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        var param = (await _client.GetRunAsync(runId))["data"]!["params"]![0]!;
        Assert.Equal("0.1", param["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task LongParamAndTagValues_AreTruncated()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "long", value = new string('p', 7000) });
        await _client.OkAsync("runs/set-tag", new { run_id = runId, key = "long", value = new string('t', 9000) });

        var data = (await _client.GetRunAsync(runId))["data"]!;
        Assert.Equal(6000, data["params"]![0]!["value"]!.GetValue<string>().Length);
        Assert.Equal(8000, data["tags"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "long")!["value"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task Metrics_LatestIsGreatestStepThenTimestamp_HistoryKeepsEveryDistinctPoint()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-metric", new { run_id = runId, key = "loss", value = 0.9, timestamp = 100, step = 5 });
        await _client.OkAsync("runs/log-metric", new { run_id = runId, key = "loss", value = 0.5, timestamp = 200, step = 1 });
        await _client.OkAsync("runs/log-metric", new { run_id = runId, key = "loss", value = 0.5, timestamp = 200, step = 1 });
        await _client.OkAsync("runs/log-metric", new { run_id = runId, key = "loss", value = 0.7, timestamp = 50, step = 5 });

        var latest = (await _client.GetRunAsync(runId))["data"]!["metrics"]![0]!;
        Assert.Equal(0.9, latest["value"]!.GetValue<double>());
        Assert.Equal(5, latest["step"]!.GetValue<long>());

        var history = (await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=loss")).Json["metrics"]!.AsArray();
        Assert.Equal(3, history.Count);
    }

    [Fact]
    public async Task Metrics_NaNAndInfinity_FollowMlflowStorageRules()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new object[]
            {
                new { key = "nan", value = "NaN", timestamp = 1, step = 0 },
                new { key = "inf", value = "Infinity", timestamp = 1, step = 0 },
                new { key = "ninf", value = "-Infinity", timestamp = 1, step = 0 },
                new { key = "str", value = "0.25", timestamp = "7", step = "3" },
            },
        });

        var metrics = (await _client.GetRunAsync(runId))["data"]!["metrics"]!.AsArray().ToDictionary(m => m!["key"]!.GetValue<string>(), m => m!);
        Assert.Equal("NaN", metrics["nan"]["value"]!.GetValue<string>());
        Assert.Equal(double.MaxValue, metrics["inf"]["value"]!.GetValue<double>());
        Assert.Equal(double.MinValue, metrics["ninf"]["value"]!.GetValue<double>());
        Assert.Equal(0.25, metrics["str"]["value"]!.GetValue<double>());
        Assert.Equal(3, metrics["str"]["step"]!.GetValue<long>());
    }

    [Fact]
    public async Task LogBatch_IsAtomic_ConflictingParamRejectsWholeBatch()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "fixed", value = "1" });

        var reply = await _client.PostAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "m", value = 1.0, timestamp = 1, step = 0 } },
            @params = new[] { new { key = "new", value = "x" }, new { key = "fixed", value = "2" } },
            tags = new[] { new { key = "t", value = "v" } },
        });
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        var data = (await _client.GetRunAsync(runId))["data"]!;
        Assert.Null(data["metrics"]);
        Assert.Single(data["params"]!.AsArray());
        Assert.DoesNotContain(data["tags"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "t");
    }

    [Fact]
    public async Task LogBatch_DuplicateParamKeys_Rejected_DuplicateTagsLastWins()
    {
        var runId = await NewRunAsync();
        (await _client.PostAsync("runs/log-batch", new { run_id = runId, @params = new[] { new { key = "a", value = "1" }, new { key = "a", value = "1" } } }))
            .AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        await _client.OkAsync("runs/log-batch", new { run_id = runId, tags = new[] { new { key = "t", value = "1" }, new { key = "t", value = "2" } } });
        var tag = (await _client.GetRunAsync(runId))["data"]!["tags"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "t")!;
        Assert.Equal("2", tag["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(1001, 0, 0)]
    [InlineData(0, 101, 0)]
    [InlineData(0, 0, 101)]
    [InlineData(950, 30, 30)]
    public async Task LogBatch_OverLimits_Returns400AndStoresNothing(int metrics, int parameters, int tags)
    {
        var runId = await NewRunAsync();
        var reply = await _client.PostAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = Enumerable.Range(0, metrics).Select(i => new { key = "m", value = (double)i, timestamp = 1, step = i }),
            @params = Enumerable.Range(0, parameters).Select(i => new { key = $"p{i}", value = "v" }),
            tags = Enumerable.Range(0, tags).Select(i => new { key = $"t{i}", value = "v" }),
        });
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Null((await _client.GetRunAsync(runId))["data"]!["metrics"]);
    }

    [Theory]
    [InlineData("bad*key")]
    [InlineData("../up")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("trailing/")]
    [InlineData("a/./b")]
    public async Task InvalidKeys_Return400(string key)
    {
        var runId = await NewRunAsync();
        (await _client.PostAsync("runs/log-metric", new { run_id = runId, key, value = 1, timestamp = 1 })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/log-parameter", new { run_id = runId, key, value = "1" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/set-tag", new { run_id = runId, key, value = "1" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task LogMetric_MissingFields_NameTheField()
    {
        var runId = await NewRunAsync();
        var reply = await _client.PostAsync("runs/log-metric", new { run_id = runId, key = "m", value = 1.0 });
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains("'timestamp'", reply.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricHistory_PagesWithToken()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics = Enumerable.Range(0, 25).Select(i => new { key = "acc", value = i / 25.0, timestamp = 1000 + i, step = i }) });

        var first = await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=acc&max_results=10");
        var token = first.Json["next_page_token"]!.GetValue<string>();
        var rest = await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=acc&max_results=100&page_token={Uri.EscapeDataString(token)}");

        Assert.Equal(Enumerable.Range(0, 10), first.Json["metrics"]!.AsArray().Select(m => (int)m!["step"]!.GetValue<long>()));
        Assert.Equal(Enumerable.Range(10, 15), rest.Json["metrics"]!.AsArray().Select(m => (int)m!["step"]!.GetValue<long>()));
        Assert.Null(rest.Json["next_page_token"]);
        Assert.Equal("{}", (await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=absent")).Text);
    }

    [Fact]
    public async Task BulkInterval_SamplesEvenlyAndKeepsEndpoints()
    {
        var a = await NewRunAsync();
        var b = await NewRunAsync();
        await _client.OkAsync("runs/log-batch", new { run_id = a, metrics = Enumerable.Range(0, 1000).Select(i => new { key = "x", value = (double)i, timestamp = 1, step = i }) });
        await _client.OkAsync("runs/log-batch", new { run_id = b, metrics = Enumerable.Range(0, 7).Select(i => new { key = "x", value = (double)i, timestamp = 1, step = i * 3 }) });

        var all = await _client.OkGetAsync($"metrics/get-history-bulk-interval?run_ids={b}&metric_key=x");
        Assert.Equal([0, 3, 6, 9, 12, 15, 18], all.Json["metrics"]!.AsArray().Select(m => (int)m!["step"]!.GetValue<long>()));

        var sampled = await _client.OkGetAsync($"metrics/get-history-bulk-interval?run_ids={a}&run_ids={b}&metric_key=x&max_results=10");
        var points = sampled.Json["metrics"]!.AsArray();
        var stepsA = points.Where(p => p!["run_id"]!.GetValue<string>() == a).Select(p => p!["step"]!.GetValue<long>()).ToList();
        Assert.InRange(stepsA.Count, 10, 14);
        Assert.Equal(0, stepsA[0]);
        Assert.Equal(999, stepsA[^1]);
        Assert.Equal(stepsA.Order(), stepsA);

        var window = await _client.OkGetAsync($"metrics/get-history-bulk-interval?run_ids={a}&metric_key=x&start_step=100&end_step=104");
        Assert.Equal([100, 101, 102, 103, 104], window.Json["metrics"]!.AsArray().Select(m => (int)m!["step"]!.GetValue<long>()));

        (await _client.GetAsync($"metrics/get-history-bulk-interval?run_ids={a}&metric_key=x&start_step=5")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.GetAsync($"metrics/get-history-bulk-interval?run_ids={a}&metric_key=x&start_step=5&end_step=1")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.GetAsync($"metrics/get-history-bulk-interval?run_ids={a}&metric_key=x&max_results=2501")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }
}
