using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Benchmarks;

/// <summary>Runs a sampler on a benchmark function and reports the best-so-far regret after each evaluation.</summary>
public static class RegretRun
{
    public static async Task<double[]> RunAsync(BenchmarkFunction function, ISampler sampler, int evaluations, int parallelism = 1)
    {
        var study = new Study(Direction.Minimize, sampler);
        await study.OptimizeAsync((trial, _) =>
        {
            var x = function.Domain.Select((range, i) => trial.SuggestFloat("x" + i, range.Low, range.High)).ToArray();
            return ValueTask.FromResult(function.Evaluate(x));
        }, new OptimizeOptions { MaxTrials = evaluations, Parallelism = parallelism });

        var regrets = new double[evaluations];
        var best = double.PositiveInfinity;
        foreach (var trial in study.Trials.OrderBy(t => t.Number))
        {
            best = Math.Min(best, trial.Value ?? double.PositiveInfinity);
            regrets[trial.Number] = Math.Max(0, best - function.Minimum);
        }

        return regrets;
    }

    public static double Median(IEnumerable<double> values) => PercentileOf(values, 50);

    public static double PercentileOf(IEnumerable<double> values, double percentile) =>
        Pruners.PercentilePruner.Interpolated(values.ToList(), percentile);
}
