using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

/// <summary>runs/search over a known set of runs: each filter's expected matches are computed from the data.</summary>
public class RunSearchApiTests(CairnServer server) : IClassFixture<CairnServer>, IAsyncLifetime
{
    private readonly MlflowHttp _client = server.Client;
    private readonly Dictionary<string, int> _indexOfRun = [];
    private string _experimentId = "";

    public async ValueTask InitializeAsync()
    {
        _experimentId = await _client.CreateExperimentAsync();
        for (var i = 0; i < 12; i++)
        {
            var runId = await _client.CreateRunAsync(_experimentId, startTime: 1_000 + i, runName: $"sweep-{i:D2}");
            _indexOfRun[runId] = i;
            var metrics = new List<object> { new { key = "rmse", value = i / 10.0, timestamp = 1, step = 0 } };
            if (i % 4 == 3)
            {
                metrics = [new { key = "rmse", value = "NaN", timestamp = 1, step = 0 }];
            }

            if (i == 11)
            {
                metrics.Clear();
            }

            await _client.OkAsync("runs/log-batch", new
            {
                run_id = runId,
                metrics,
                @params = new[] { new { key = "model", value = i % 2 == 0 ? "lasso" : "ridge" }, new { key = "alpha", value = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                tags = new[] { new { key = "group", value = i < 6 ? "Alpha" : "beta" } },
            });
            if (i % 5 == 0)
            {
                await _client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 5_000 + i });
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<List<int>> SearchAsync(string filter, string[]? orderBy = null, string viewType = "ACTIVE_ONLY")
    {
        var reply = await _client.OkAsync("runs/search", new { experiment_ids = new[] { _experimentId }, filter, order_by = orderBy ?? [], run_view_type = viewType, max_results = 1000 });
        return (reply.Json["runs"]?.AsArray() ?? []).Select(r => _indexOfRun[r!["info"]!["run_id"]!.GetValue<string>()]).ToList();
    }

    [Fact]
    public async Task NoFilter_DefaultOrderIsStartTimeDescending()
    {
        Assert.Equal(Enumerable.Range(0, 12).Reverse(), await SearchAsync(""));
    }

    [Theory]
    [InlineData("metrics.rmse < 0.5", new[] { 0, 1, 2, 4 })]
    [InlineData("metrics.rmse >= 0.8 and params.model = 'lasso'", new[] { 8, 10 })]
    [InlineData("metrics.rmse != 0.2", new[] { 0, 1, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData("params.model = 'ridge' and params.alpha = '0'", new[] { 3, 9 })]
    [InlineData("params.alpha != '0'", new[] { 1, 2, 4, 5, 7, 8, 10, 11 })]
    [InlineData("tags.group LIKE 'Al%'", new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData("tags.group LIKE 'al%'", new int[0])]
    [InlineData("tags.group ILIKE 'al%'", new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData("attributes.status = 'FINISHED'", new[] { 0, 5, 10 })]
    [InlineData("run_name LIKE 'sweep-1_'", new[] { 10, 11 })]
    [InlineData("attributes.start_time >= 1010", new[] { 10, 11 })]
    [InlineData("end_time > 5004", new[] { 5, 10 })]
    [InlineData("tags.`group` = 'beta' and metrics.rmse > 0.8", new[] { 9, 10 })]
    [InlineData("params.\"model\" = \"lasso\" and attribute.run_name = 'sweep-04'", new[] { 4 })]
    public async Task Filter_SelectsExactlyTheMatchingRuns(string filter, int[] expected)
    {
        var found = await SearchAsync(filter);
        Assert.Equal(expected.Order(), found.Order());
    }

    [Fact]
    public async Task RunIdIn_SelectsListedRuns()
    {
        var ids = _indexOfRun.Where(p => p.Value is 2 or 7).Select(p => $"'{p.Key}'");
        var found = await SearchAsync($"attributes.run_id IN ({string.Join(", ", ids)})");
        Assert.Equal([2, 7], found.Order());

        var notIn = await SearchAsync($"run_id NOT IN ({string.Join(", ", ids)})");
        Assert.Equal(10, notIn.Count);
    }

    [Fact]
    public async Task OrderByMetric_RealValuesThenNaNThenMissing_InBothDirections()
    {
        var ascending = await SearchAsync("", ["metrics.rmse ASC"]);
        var descending = await SearchAsync("", ["metrics.rmse DESC"]);

        Assert.Equal([0, 1, 2, 4, 5, 6, 8, 9, 10, 7, 3, 11], ascending);
        Assert.Equal([10, 9, 8, 6, 5, 4, 2, 1, 0, 7, 3, 11], descending);
    }

    [Fact]
    public async Task OrderByParamThenAttribute_UsesStringOrderAndTieBreakers()
    {
        var found = await SearchAsync("", ["params.model DESC", "start_time ASC"]);
        Assert.Equal([1, 3, 5, 7, 9, 11, 0, 2, 4, 6, 8, 10], found);
    }

    [Fact]
    public async Task Paging_WalksAllRunsOnceInOrder()
    {
        var seen = new List<int>();
        string? token = null;
        do
        {
            var reply = await _client.OkAsync("runs/search", new { experiment_ids = new[] { _experimentId }, max_results = 5, page_token = token, order_by = new[] { "metrics.rmse ASC" } });
            seen.AddRange(reply.Json["runs"]!.AsArray().Select(r => _indexOfRun[r!["info"]!["run_id"]!.GetValue<string>()]));
            token = reply.Json["next_page_token"]?.GetValue<string>();
        }
        while (token is not null);

        Assert.Equal([0, 1, 2, 4, 5, 6, 8, 9, 10, 7, 3, 11], seen);
    }

    [Fact]
    public async Task DeletedRuns_OnlyInDeletedOrAllViews()
    {
        var runId = _indexOfRun.First(p => p.Value == 6).Key;
        var local = await _client.CreateRunAsync(_experimentId, startTime: 1);
        await _client.OkAsync("runs/delete", new { run_id = local });

        var deleted = await _client.OkAsync("runs/search", new { experiment_ids = new[] { _experimentId }, run_view_type = "DELETED_ONLY" });
        Assert.Equal(local, deleted.Json["runs"]![0]!["info"]!["run_id"]!.GetValue<string>());
        var all = await _client.OkAsync("runs/search", new { experiment_ids = new[] { _experimentId }, run_view_type = "ALL" });
        Assert.Equal(13, all.Json["runs"]!.AsArray().Count);
        Assert.NotNull(runId);
    }

    [Theory]
    [InlineData("metrics.rmse < 'a'")]
    [InlineData("params.model > 'a'")]
    [InlineData("tags.group < 'x'")]
    [InlineData("metrics.rmse < 1 OR params.a = 'b'")]
    [InlineData("(metrics.rmse < 1)")]
    [InlineData("params.model = lasso")]
    [InlineData("unknown.x = 'y'")]
    [InlineData("attributes.nope = 'y'")]
    [InlineData("attributes.status IN ('FINISHED')")]
    [InlineData("metrics.rmse <")]
    [InlineData("params.model = 'unterminated")]
    [InlineData("start_time = 'abc'")]
    [InlineData("metrics.rmse ~ 1")]
    public async Task BadFilter_Returns400WithMessage(string filter)
    {
        var reply = await _client.PostAsync("runs/search", new { experiment_ids = new[] { _experimentId }, filter });
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Theory]
    [InlineData("metrics.rmse ASC", "metrics.rmse DESC")]
    [InlineData("nope ASC", null)]
    [InlineData("metrics.rmse SIDEWAYS", null)]
    public async Task BadOrderBy_Returns400(string first, string? second)
    {
        var orderBy = second is null ? new[] { first } : new[] { first, second };
        var reply = await _client.PostAsync("runs/search", new { experiment_ids = new[] { _experimentId }, order_by = orderBy });
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task BadPageTokenAndMaxResults_Return400()
    {
        (await _client.PostAsync("runs/search", new { experiment_ids = new[] { _experimentId }, page_token = "not-a-token" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        (await _client.PostAsync("runs/search", new { experiment_ids = new[] { _experimentId }, max_results = 50001 })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task DatasetFilters_MatchInputs()
    {
        var runId = _indexOfRun.First(p => p.Value == 1).Key;
        await _client.OkAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset = new { name = "wine", digest = "d1", source_type = "local", source = "s" } } },
        });

        Assert.Equal([1], await SearchAsync("datasets.name = 'wine'"));
        Assert.Equal([1], await SearchAsync("datasets.context = 'training' and datasets.digest IN ('d1', 'd2')"));
        Assert.Empty(await SearchAsync("datasets.context = 'evaluation'"));
    }
}
