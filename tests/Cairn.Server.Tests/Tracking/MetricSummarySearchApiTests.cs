using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

/// <summary>
/// Issue 8: runs/search accepts min(metrics.k), max(…) and count(…) as a Cairn extension, while metrics.k keeps MLflow's
/// meaning (the latest value); a summary function elsewhere is a 400 that says what is wrong.
/// </summary>
public sealed class MetricSummarySearchApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private readonly MlflowHttp _client = server.Client;

    private async Task<(string Experiment, string Dips, string Flat)> SeedAsync()
    {
        var experiment = await _client.CreateExperimentAsync();
        async Task<string> RunAsync(string name, double[] loss)
        {
            var id = await _client.CreateRunAsync(experiment, runName: name);
            await _client.OkAsync("runs/log-batch", new
            {
                run_id = id,
                metrics = loss.Select((v, s) => new { key = "loss", value = v, timestamp = 1, step = s }).ToArray(),
            });
            return id;
        }

        return (experiment, await RunAsync("dips", [0.9, 0.1, 0.8]), await RunAsync("flat", [0.5, 0.5]));
    }

    private async Task<List<string>> SearchAsync(string experiment, string filter)
    {
        var reply = await _client.OkAsync("runs/search", new { experiment_ids = new[] { experiment }, filter });
        return reply.Json["runs"]?.AsArray().Select(r => r!["info"]!["run_id"]!.GetValue<string>()).ToList() ?? [];
    }

    [Fact]
    public async Task Issue8_SummaryFilters_AndTheLatestValueKeepsItsMeaning()
    {
        var (experiment, dips, flat) = await SeedAsync();

        Assert.Equal([dips], await SearchAsync(experiment, "min(metrics.loss) < 0.2"));
        Assert.Equal([dips], await SearchAsync(experiment, "count(metrics.loss) = 3"));
        Assert.Equal([flat], await SearchAsync(experiment, "max(metrics.loss) <= 0.5"));
        Assert.Empty(await SearchAsync(experiment, "metrics.loss < 0.2"));
    }

    [Theory]
    [InlineData("runs/search", "min(params.lr) < 1")]
    [InlineData("runs/search", "min(metrics.loss < 1")]
    [InlineData("experiments/search", "min(metrics.loss) < 1")]
    public async Task Issue8_BadSummaryFilter_Returns400(string route, string filter)
    {
        var (experiment, _, _) = await SeedAsync();

        var reply = await _client.PostAsync(route, new { experiment_ids = new[] { experiment }, filter, max_results = 10 });

        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }
}
