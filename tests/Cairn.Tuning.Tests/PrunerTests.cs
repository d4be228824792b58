using Cairn.Tuning.Pruners;
using Cairn.Tuning.Samplers;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Tests;

public sealed class PrunerTests
{
    private static TrialRecord Trial(int number, TrialState state, params (long Step, double Value)[] values) =>
        new(number, state, new Dictionary<string, double>(), new Dictionary<string, Distribution>(),
            state == TrialState.Complete ? values[^1].Value : null, values.ToDictionary(v => v.Step, v => v.Value));

    [Fact]
    public void Median_PrunesBelowTheInterpolatedMedianAtThatStep()
    {
        // Completed trials at step 3: 1, 2, 4, 10 → median 3 (interpolated; the mean would be 4.25).
        var completed = new[] { 1.0, 2, 4, 10 }.Select((v, i) => Trial(i, TrialState.Complete, (3, v), (9, v))).ToList();
        var pruner = new MedianPruner(startupTrials: 4);
        var view = (TrialRecord t) => new StudyView(Direction.Minimize, [.. completed, t]);

        var worse = Trial(4, TrialState.Running, (3, 3.5));
        var better = Trial(4, TrialState.Running, (3, 2.9));
        var earlierBest = Trial(4, TrialState.Running, (1, 0.5), (3, 3.5));

        Assert.True(pruner.ShouldPrune(view(worse), worse));
        Assert.False(pruner.ShouldPrune(view(better), better));
        Assert.False(pruner.ShouldPrune(view(earlierBest), earlierBest));
        Assert.False(new MedianPruner(startupTrials: 5).ShouldPrune(view(worse), worse));
        Assert.False(new MedianPruner(startupTrials: 4, warmupSteps: 4).ShouldPrune(view(worse), worse));
        Assert.False(pruner.ShouldPrune(new StudyView(Direction.Maximize, [.. completed, worse]), worse));
    }

    [Fact]
    public void Asha_KeepsTheBestQuarterAtEachRung()
    {
        // Rung 0 at step 1, rung 1 at step 4 (r = 1, η = 4). Seven other trials reached rung 0 with values 1..7.
        var others = Enumerable.Range(1, 7).Select(v => Trial(v, TrialState.Complete, (1, v), (4, v))).ToList();
        var pruner = new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 4);

        // Eight values at the rung: promotable are the best ⌊8/4⌋ = 2, i.e. values ≤ 2 (ties count as promotable).
        var good = Trial(0, TrialState.Running, (1, 1.5));
        var tied = Trial(0, TrialState.Running, (1, 2.0));
        var bad = Trial(0, TrialState.Running, (1, 2.5));
        Assert.False(pruner.ShouldPrune(new StudyView(Direction.Minimize, [good, .. others]), good));
        Assert.False(pruner.ShouldPrune(new StudyView(Direction.Minimize, [tied, .. others]), tied));
        Assert.True(pruner.ShouldPrune(new StudyView(Direction.Minimize, [bad, .. others]), bad));

        // Between rungs nothing is judged; a rung is judged once, when first reached.
        var between = Trial(0, TrialState.Running, (1, 1.5), (2, 9.0));
        Assert.False(pruner.ShouldPrune(new StudyView(Direction.Minimize, [between, .. others]), between));
    }

    /// <summary>Learning curves value(step) = final · (1 − e^(−step/τ)) + noise, where final depends on the parameters.</summary>
    private static async Task<(long Steps, double Best)> RunCurvesAsync(IPruner pruner)
    {
        var study = new Study(Direction.Maximize, new RandomSampler(seed: 11), pruner);
        long steps = 0;
        await study.OptimizeAsync((t, _) =>
        {
            var x = t.SuggestFloat("x", 0, 1);
            var final = 0.95 - 0.8 * Math.Pow(x - 0.3, 2);
            var noise = new Random(t.Number);
            var value = 0.0;
            for (var step = 1; step <= 100; step++)
            {
                Interlocked.Increment(ref steps);
                value = final * (1 - Math.Exp(-step / 10.0)) + 0.002 * (noise.NextDouble() - 0.5);
                t.Report(step, value);
                if (t.ShouldPrune())
                {
                    throw new TrialPrunedException();
                }
            }

            return ValueTask.FromResult(value);
        }, new OptimizeOptions { MaxTrials = 60 });

        return (steps, study.BestTrial!.Value!.Value);
    }

    [Fact]
    public async Task Pruning_SavesAtLeast40PercentOfSteps_AndKeepsTheBestWithin1Percent()
    {
        var (allSteps, allBest) = await RunCurvesAsync(NopPruner.Instance);

        foreach (IPruner pruner in new IPruner[] { new MedianPruner(startupTrials: 5, warmupSteps: 5), new SuccessiveHalvingPruner(minResource: 2, reductionFactor: 3) })
        {
            var (steps, best) = await RunCurvesAsync(pruner);
            Assert.True(steps <= 0.6 * allSteps, $"{pruner.GetType().Name}: {steps} of {allSteps} steps");
            Assert.True(best >= 0.99 * allBest, $"{pruner.GetType().Name}: best {best}, unpruned {allBest}");
        }
    }
}

public sealed class HyperbandPrunerTests
{
    [Fact]
    public void Brackets_FollowHyperbandSizes_AndAreStable()
    {
        var pruner = new HyperbandPruner(minResource: 1, maxResource: 81, reductionFactor: 3);

        Assert.Equal(5, pruner.BracketCount);
        var counts = Enumerable.Range(0, 20_000).GroupBy(pruner.BracketOf).ToDictionary(g => g.Key, g => g.Count());
        // Sizes ⌈5/(5−s)·3^(4−s)⌉ = 81, 34, 15, 8, 5 of 143: the most aggressive bracket gets the most trials.
        Assert.InRange(counts[0] / 20_000.0, 81 / 143.0 - 0.02, 81 / 143.0 + 0.02);
        Assert.InRange(counts[4] / 20_000.0, 5 / 143.0 - 0.01, 5 / 143.0 + 0.01);
        Assert.Equal(pruner.BracketOf(1234), new HyperbandPruner(1, 81, 3).BracketOf(1234));
    }

    [Fact]
    public async Task Hyperband_WithManyParallelWorkers_PrunesAndKeepsTheBest()
    {
        // Eight workers with η = 3 and five brackets: Katib would refuse (it needs parallelism ≥ 81).
        async Task<(long Steps, double Best)> RunAsync(IPruner pruner)
        {
            var study = new Study(Direction.Maximize, new RandomSampler(seed: 12), pruner);
            long steps = 0;
            await study.OptimizeAsync((t, _) =>
            {
                var final = 0.95 - 0.8 * Math.Pow(t.SuggestFloat("x", 0, 1) - 0.3, 2);
                var value = 0.0;
                for (var step = 1; step <= 81; step++)
                {
                    Interlocked.Increment(ref steps);
                    value = final * (1 - Math.Exp(-step / 8.0));
                    t.Report(step, value);
                    if (t.ShouldPrune())
                    {
                        throw new TrialPrunedException();
                    }
                }

                return ValueTask.FromResult(value);
            }, new OptimizeOptions { MaxTrials = 80, Parallelism = 8 });
            return (steps, study.BestTrial!.Value!.Value);
        }

        var (allSteps, allBest) = await RunAsync(NopPruner.Instance);
        var (steps, best) = await RunAsync(new HyperbandPruner(1, 81, 3));

        Assert.True(steps <= 0.6 * allSteps, $"{steps} of {allSteps} steps");
        Assert.True(best >= 0.99 * allBest, $"best {best}, unpruned {allBest}");
    }
}
