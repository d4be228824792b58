using System.Net;
using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

public class DownsampledHistoryApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private const string Cairn = "/api/2.0/cairn/";

    private readonly MlflowHttp _client = server.Client;

    // A slow wave with noise, and single-point spikes that a per-pixel average or a plain stride would drop.
    private static readonly Dictionary<long, double> Spikes = new() { [1_234] = 1_000, [7_777] = -1_000, [15_001] = 500, [19_998] = 250 };

    private static double Value(long step) =>
        Spikes.TryGetValue(step, out var spike) ? spike : Math.Sin(step / 900.0) + ((step * 7919) % 13) / 100.0;

    private async Task<string> SeededRunAsync(int points)
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync());
        for (var offset = 0; offset < points; offset += 1_000)
        {
            var metrics = Enumerable.Range(offset, Math.Min(1_000, points - offset))
                .Select(step => new { key = "loss", value = Value(step), timestamp = 1_700_000_000_000L + step * 10L, step = (long)step }).ToArray();
            await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics });
        }

        return runId;
    }

    private async Task<JsonNode> DownsampledAsync(string query) => (await _client.OkGetAsync("metrics/get-history-downsampled?" + query, Cairn)).Json;

    [Fact]
    public async Task LongSeries_IsReducedToThePixels_AndEverySpikeSurvives_InTheLineAndTheEnvelope()
    {
        var runId = await SeededRunAsync(20_000);

        var answer = await DownsampledAsync($"run_id={runId}&metric_key=loss&pixels=200");

        Assert.Equal("minmax-lttb", answer["method"]!.GetValue<string>());
        Assert.Equal(20_000, answer["total_points"]!.GetValue<long>());
        // 100 steps per pixel: cells of 64 steps from the write-time pyramid, two to a bucket.
        Assert.Equal(128, answer["bucket_width"]!.GetValue<double>());
        var points = answer["points"]!.AsArray();
        Assert.InRange(points.Count, 150, 202);
        var steps = points.Select(p => p!["step"]!.GetValue<long>()).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.Equal(0, steps[0]);
        Assert.Equal(19_999, steps[^1]);
        Assert.All(points, p => Assert.Equal(Value(p!["step"]!.GetValue<long>()), p!["value"]!.GetValue<double>()));
        foreach (var (step, spike) in Spikes)
        {
            Assert.Contains(step, steps);
            var bucket = answer["buckets"]!.AsArray().Single(b => b!["x_start"]!.GetValue<double>() <= step && step < b!["x_end"]!.GetValue<double>()
                || (step == 19_999 && b!["x_end"]!.GetValue<double>() == 19_999));
            Assert.Equal(spike, spike > 0 ? bucket!["max"]!.GetValue<double>() : bucket!["min"]!.GetValue<double>());
        }

        Assert.Equal(20_000, answer["buckets"]!.AsArray().Sum(b => b!["count"]!.GetValue<long>()));

        // MLflow's get-history still returns every point.
        var history = (await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=loss")).Json;
        var all = history["metrics"]!.AsArray().Count;
        while (history["next_page_token"] is { } token)
        {
            history = (await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=loss&page_token={token.GetValue<string>()}")).Json;
            all += history["metrics"]!.AsArray().Count;
        }

        Assert.Equal(20_000, all);
    }

    [Fact]
    public async Task Zoom_CountsAndReturnsOnlyTheRange_AtFullDetailWhenItFits()
    {
        var runId = await SeededRunAsync(5_000);

        var zoomed = await DownsampledAsync($"run_id={runId}&metric_key=loss&pixels=300&start=1200&end=1499");
        Assert.Equal("none", zoomed["method"]!.GetValue<string>());
        Assert.Equal(300, zoomed["total_points"]!.GetValue<long>());
        Assert.Equal(Enumerable.Range(1_200, 300).Select(i => (long)i), zoomed["points"]!.AsArray().Select(p => p!["step"]!.GetValue<long>()));
        Assert.Empty(zoomed["buckets"]!.AsArray());

        var wider = await DownsampledAsync($"run_id={runId}&metric_key=loss&pixels=100&start=1000&end=2999");
        Assert.Equal(2_000, wider["total_points"]!.GetValue<long>());
        Assert.All(wider["points"]!.AsArray(), p => Assert.InRange(p!["x"]!.GetValue<double>(), 1_000, 2_999));
        Assert.Contains(1_234L, wider["points"]!.AsArray().Select(p => p!["step"]!.GetValue<long>()));
    }

    [Fact]
    public async Task TimeAxes_UseTimestamps()
    {
        var runId = await SeededRunAsync(1_000);

        var relative = await DownsampledAsync($"run_id={runId}&metric_key=loss&pixels=100&x_axis=relative&end=4990");
        Assert.Equal("relative", relative["x_axis"]!.GetValue<string>());
        Assert.Equal(500, relative["total_points"]!.GetValue<long>());
        Assert.Equal(0, relative["points"]![0]!["x"]!.GetValue<double>());

        var wall = await DownsampledAsync($"run_id={runId}&metric_key=loss&pixels=1000&x_axis=WALL");
        Assert.Equal(1_700_000_000_000 + 9_990, wall["points"]!.AsArray()[^1]!["x"]!.GetValue<double>());
    }

    [Fact]
    public async Task UnknownMetric_IsEmpty_UnknownRun_Is404()
    {
        var runId = await SeededRunAsync(10);
        var empty = await DownsampledAsync($"run_id={runId}&metric_key=nothing&pixels=10");
        Assert.Equal(0, empty["total_points"]!.GetValue<long>());
        Assert.Empty(empty["points"]!.AsArray());

        (await _client.GetAsync($"metrics/get-history-downsampled?run_id={Guid.NewGuid():N}&metric_key=loss&pixels=10", Cairn))
            .AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Theory]
    [InlineData("metric_key=loss&pixels=10", "run_id")]
    [InlineData("run_id=RUN&pixels=10", "metric_key")]
    [InlineData("run_id=RUN&metric_key=loss", "pixels")]
    [InlineData("run_id=RUN&metric_key=loss&pixels=0", "pixels")]
    [InlineData("run_id=RUN&metric_key=loss&pixels=100000", "pixels")]
    [InlineData("run_id=RUN&metric_key=loss&pixels=ten", "pixels")]
    [InlineData("run_id=RUN&metric_key=loss&pixels=10&x_axis=epoch", "x_axis")]
    [InlineData("run_id=RUN&metric_key=loss&pixels=10&start=5&end=1", "start")]
    public async Task BadInput_IsA400_ThatNamesTheField(string query, string field)
    {
        var runId = await SeededRunAsync(10);
        var reply = await _client.GetAsync("metrics/get-history-downsampled?" + query.Replace("RUN", runId, StringComparison.Ordinal), Cairn);
        reply.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains(field, reply.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
