using System.Globalization;
using Cairn.Tuning.Benchmarks;
using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Tests;

/// <summary>
/// TPE against Optuna 3.1's <c>TPESampler(seed=s)</c> suggestion by suggestion on Branin: Data/optuna31-tpe-branin.csv
/// holds every (x0, x1) Optuna suggested for seeds 0 (100 trials), 1 and 2 (50 each); bench/tuning/optuna_trace.py
/// regenerates it. The first 10 trials test the start-up draws, the rest the Parzen estimators, the truncated-normal
/// draws and the candidate choice; one differing choice would change every later trial.
/// </summary>
public sealed class TpeOptunaTraceTests
{
    private const double RelativeTolerance = 1e-9;

    public static TheoryData<int> Seeds => [0, 1, 2];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Branin_SuggestsWhatOptuna31Suggests_TrialByTrial(int seed)
    {
        var expected = Trace().Where(r => r.Seed == seed).OrderBy(r => r.Trial).ToList();
        var study = new Study(Direction.Minimize, new TpeSampler(seed));
        await study.OptimizeAsync((trial, _) =>
        {
            var x = new[] { trial.SuggestFloat("x0", -5, 10), trial.SuggestFloat("x1", 0, 15) };
            return ValueTask.FromResult(BenchmarkFunction.Branin.Evaluate(x));
        }, new OptimizeOptions { MaxTrials = expected.Count });

        var trials = study.Trials.OrderBy(t => t.Number).ToList();
        Assert.Equal(expected.Count, trials.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertClose(expected[i].X0, trials[i].Params["x0"], $"seed {seed}, trial {i}, x0");
            AssertClose(expected[i].X1, trials[i].Params["x1"], $"seed {seed}, trial {i}, x1");
        }
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= RelativeTolerance * Math.Max(1, Math.Abs(expected)), $"{what}: Optuna {expected:R}, ours {actual:R}");

    private static IEnumerable<(int Seed, int Trial, double X0, double X1)> Trace() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "optuna31-tpe-branin.csv")).Skip(1).Select(line => line.Split(','))
            .Select(f => (int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture)));
}
