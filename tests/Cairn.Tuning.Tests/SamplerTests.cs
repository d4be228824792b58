using Cairn.Tuning.Samplers;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Tests;

public sealed class SamplerTests
{
    /// <summary>χ² with 9 degrees of freedom at p = 0.01.</summary>
    private const double ChiSquare9At001 = 21.666;

    private static double ChiSquare(IEnumerable<double> unitValues, int bins = 10)
    {
        var counts = new int[bins];
        var n = 0;
        foreach (var u in unitValues)
        {
            counts[Math.Min(bins - 1, (int)(u * bins))]++;
            n++;
        }

        var expected = (double)n / bins;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    private static List<TrialRecord> Draw(ISampler sampler, int count, Func<Trial, double> suggest)
    {
        var study = new Study(Direction.Minimize, sampler);
        for (var i = 0; i < count; i++)
        {
            var trial = study.Ask();
            study.Tell(trial.Number, suggest(trial));
        }

        return [.. study.Trials];
    }

    [Fact]
    public void Random_IsUniform_AndLogRangesAreLogUniform()
    {
        var trials = Draw(new RandomSampler(seed: 1), 10_000, t => t.SuggestFloat("x", -5, 10) + t.SuggestFloat("lr", 1e-5, 1e-1, log: true));

        Assert.True(ChiSquare(trials.Select(t => (t.Params["x"] + 5) / 15)) < ChiSquare9At001);
        var logs = trials.Select(t => (Math.Log10(t.Params["lr"]) + 5) / 4).ToList();
        Assert.True(ChiSquare(logs) < ChiSquare9At001);
        // Quantiles of a log-uniform range fall on powers of ten: a quarter of the draws below 1e-4, half below 1e-3.
        Assert.InRange(trials.Count(t => t.Params["lr"] < 1e-4) / 10_000.0, 0.23, 0.27);
        Assert.InRange(trials.Count(t => t.Params["lr"] < 1e-3) / 10_000.0, 0.48, 0.52);
    }

    [Fact]
    public void Random_Integers_GiveEveryValueIncludingTheEnds()
    {
        var trials = Draw(new RandomSampler(seed: 2), 6_000, t => t.SuggestInt("k", 1, 6) + t.SuggestInt("even", 0, 10, step: 2) + t.SuggestInt("units", 1, 1000, log: true));

        var counts = trials.GroupBy(t => t.Params["k"]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([1.0, 2, 3, 4, 5, 6], counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150));
        Assert.Equal([0.0, 2, 4, 6, 8, 10], trials.Select(t => t.Params["even"]).Distinct().Order());
        Assert.Contains(trials, t => t.Params["units"] == 1);
        Assert.All(trials, t => Assert.InRange(t.Params["units"], 1, 1000));
    }

    [Fact]
    public void Samplers_AreDeterministicGivenSeedAndHistory()
    {
        foreach (var make in new Func<int, ISampler>[] { s => new RandomSampler(s), s => new SobolSampler(s), s => new TpeSampler(s) })
        {
            double Objective(Trial t) => Math.Pow(t.SuggestFloat("x", -3, 3) - 1, 2) + t.SuggestCategorical("c", ["a", "b", "c"]).Length;
            var first = Draw(make(7), 30, Objective).Select(t => t.Params["x"]).ToList();
            var again = Draw(make(7), 30, Objective).Select(t => t.Params["x"]).ToList();
            var other = Draw(make(8), 30, Objective).Select(t => t.Params["x"]).ToList();

            Assert.Equal(first, again);
            Assert.NotEqual(first, other);
        }
    }

    [Fact]
    public void Sobol_First256Points_FillEvery256thOfEachDimensionOnce()
    {
        for (var dimension = 0; dimension < SobolSampler.MaxDimensions; dimension++)
        {
            var bins = Enumerable.Range(0, 256).Select(i => (int)(SobolSampler.Point(i, dimension, seed: 5) * 256)).Order().ToList();
            Assert.Equal(Enumerable.Range(0, 256), bins);
        }
    }

    [Fact]
    public void Sobol_IsUniformInTwoDimensions()
    {
        // 1,024 points over a 16 × 16 grid of cells: a (t, s)-sequence puts 4 in each cell for good direction numbers.
        var cells = new int[16, 16];
        for (var i = 0; i < 1024; i++)
        {
            cells[(int)(SobolSampler.Point(i, 0, 3) * 16), (int)(SobolSampler.Point(i, 1, 3) * 16)]++;
        }

        Assert.All(cells.Cast<int>(), c => Assert.Equal(4, c));
    }

    [Fact]
    public void Grid_VisitsEveryCombinationOnce_ThenStartsOver()
    {
        var space = new Dictionary<string, Distribution>
        {
            ["depth"] = new IntDistribution(2, 6, step: 2),
            ["rate"] = new FloatDistribution(0.1, 0.3, step: 0.1),
            ["kind"] = new CategoricalDistribution(["gbdt", "dart"]),
        };
        var sampler = GridSampler.From(space, seed: 4);
        var trials = Draw(sampler, 2 * sampler.Size, t => t.SuggestInt("depth", 2, 6, step: 2) + t.SuggestFloat("rate", 0.1, 0.3, step: 0.1) + t.SuggestCategorical("kind", ["gbdt", "dart"]).Length);

        Assert.Equal(18, sampler.Size);
        var firstPass = trials.Take(18).Select(t => (t.Params["depth"], Math.Round(t.Params["rate"], 6), t.Params["kind"])).ToList();
        Assert.Equal(18, firstPass.Distinct().Count());
        Assert.Equal(firstPass, trials.Skip(18).Select(t => (t.Params["depth"], Math.Round(t.Params["rate"], 6), t.Params["kind"])));
    }

    [Fact]
    public void Grid_RefusesAFloatWithoutStep()
    {
        var error = Assert.Throws<ArgumentException>(() => GridSampler.From(new Dictionary<string, Distribution> { ["lr"] = new FloatDistribution(0, 1) }));

        Assert.Contains("'lr'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tpe_WeightsFollowOptunasRamp()
    {
        Assert.All(TpeSampler.Weights(24), w => Assert.Equal(1.0, w));
        var weights = TpeSampler.Weights(40);
        Assert.Equal(1.0 / 40, weights[0], 12);
        Assert.Equal(1.0, weights[14], 12);
        Assert.All(weights.Skip(15), w => Assert.Equal(1.0, w));
        Assert.True(weights.Take(15).Zip(weights.Skip(1).Take(14)).All(p => p.First < p.Second));
    }
}
