using Cairn.Core.Tracking;

namespace Cairn.Core.Tests;

public sealed class MetricDownsamplerTests
{
    private static DownsampledHistory Reduce(IEnumerable<Metric> points, int pixels, ChartXAxis axis = ChartXAxis.Step, double? start = null, double? end = null)
    {
        var sampler = new MetricDownsampler(pixels, axis, start, end);
        foreach (var point in points)
        {
            sampler.Add(point);
        }

        return sampler.Result();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomWalksWithPlantedSpikes_KeepEverySpike_InTheLineAndTheEnvelope(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(5_000, 50_000);
        var pixels = random.Next(50, 800);
        var values = new double[count];
        for (var i = 1; i < count; i++)
        {
            values[i] = values[i - 1] + random.NextDouble() - 0.5;
        }

        // Spikes far outside the walk, each alone in its own stretch of the x range.
        var spikes = Enumerable.Range(0, 6).Select(k => (long)(count / 7.0 * (k + 0.5))).ToList();
        foreach (var (step, k) in spikes.Select((s, k) => (s, k)))
        {
            values[step] = k % 2 == 0 ? 10_000 + k : -10_000 - k;
        }

        var history = Reduce(values.Select((v, i) => new Metric("m", v, 1_000 + i, i)), pixels);

        Assert.Equal(MetricDownsampler.MethodMinMaxLttb, history.Method);
        Assert.Equal(count, history.TotalPoints);
        Assert.Equal(count, history.Buckets.Sum(b => b.Count));
        Assert.InRange(history.Points.Count, 2, pixels + 2);
        Assert.Equal((count - 1) / (double)pixels, history.BucketWidth, 9);
        var steps = history.Points.Select(p => p.Step).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.All(spikes, step => Assert.Contains(step, steps));
        Assert.All(spikes, step => Assert.Contains(history.Buckets, b => b.Min == values[step] || b.Max == values[step]));
        Assert.All(history.Points, p => Assert.Equal(values[p.Step], p.Value));
    }

    [Fact]
    public void ShortSeries_IsReturnedWhole_NaNCountedButNotDrawn()
    {
        var history = Reduce([new Metric("m", 1, 0, 0), new Metric("m", double.NaN, 1, 1), new Metric("m", 3, 2, 2)], 10);
        Assert.Equal(MetricDownsampler.MethodNone, history.Method);
        Assert.Equal(3, history.TotalPoints);
        Assert.Equal([0L, 2L], history.Points.Select(p => p.Step));
        Assert.Empty(history.Buckets);
    }

    [Fact]
    public void RelativeAxis_StartsAtTheFirstPoint_AndRangesFilterOnIt()
    {
        var points = Enumerable.Range(0, 100).Select(i => new Metric("m", i, 5_000 + i * 10, i)).ToList();
        var history = Reduce(points, 100, ChartXAxis.Relative, start: 100, end: 190);
        Assert.Equal(10, history.TotalPoints);
        Assert.Equal(100, history.Points[0].X);
        Assert.Equal(10, history.Points[0].Step);
    }

    [Fact]
    public void WallAxis_OutOfOrderTimestamps_AreDrawnInTimeOrder()
    {
        var points = Enumerable.Range(0, 1_000).Select(i => new Metric("m", i % 7, 10_000 - i, i)).ToList();
        var history = Reduce(points, 100, ChartXAxis.Wall);
        var xs = history.Points.Select(p => p.X).ToList();
        Assert.Equal(xs.Order(), xs);
        Assert.Equal(1_000, history.TotalPoints);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MetricDownsampler.MaxPixels + 1)]
    public async Task PixelsOutOfRange_AreRejected(int pixels)
    {
        var error = await Assert.ThrowsAsync<CairnException>(() =>
            MetricDownsampler.LoadAsync(null!, new RunId("x"), "m", pixels, ChartXAxis.Step, null, null, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }
}
