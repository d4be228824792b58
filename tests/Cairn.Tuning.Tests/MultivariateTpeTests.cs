using Cairn.Tuning.Benchmarks;
using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Tests;

/// <summary>TPE with <c>Multivariate</c>: joint draws over the shared parameters.</summary>
public sealed class MultivariateTpeTests
{
    private static TpeSampler Multivariate(int seed) => new(seed, new TpeOptions { Multivariate = true });

    [Fact]
    public async Task AfterStartup_TheWholeAssignmentComesFromOneJointDraw()
    {
        var study = new Study(Direction.Minimize, Multivariate(1));
        await study.OptimizeAsync((t, _) => ValueTask.FromResult(Math.Pow(t.SuggestFloat("x", 0, 1) - t.SuggestFloat("y", 0, 1), 2) + t.SuggestInt("k", 0, 3)),
            new OptimizeOptions { MaxTrials = 12 });
        var trial = study.Ask();
        var view = new StudyView(Direction.Minimize, study.Trials);

        // A fresh sampler with the same seed, shown the same history, moves its streams to where the study's sampler
        // was before this trial's joint draw, so it proposes the same assignment.
        var joint = Multivariate(1).SampleJoint(view, view.Trials[trial.Number]);
        var x = trial.SuggestFloat("x", 0, 1);
        var k = trial.SuggestInt("k", 0, 3);

        Assert.Equal(["k", "x", "y"], joint.Keys.Order());
        Assert.Equal(joint["x"].Value, x);
        Assert.Equal(joint["k"].Value, k);
        Assert.Empty(new TpeSampler(1).SampleJoint(view, view.Trials[trial.Number]));
    }

    [Fact]
    public async Task ConditionalParameters_OutsideTheSharedSpace_AreStillSuggested()
    {
        var study = new Study(Direction.Minimize, Multivariate(2));

        await study.OptimizeAsync((t, _) =>
        {
            var kind = t.SuggestCategorical("kind", ["linear", "tree"]);
            var loss = kind == "linear" ? Math.Abs(Math.Log10(t.SuggestFloat("l2", 1e-4, 1, log: true)) + 2) + 0.5 : t.SuggestInt("depth", 1, 12) / 12.0;
            return ValueTask.FromResult(loss);
        }, new OptimizeOptions { MaxTrials = 40 });

        Assert.All(study.Trials, t => Assert.True(t.Params.ContainsKey("l2") != t.Params.ContainsKey("depth")));
        Assert.True(study.BestTrial!.Value < 0.2);
    }

    [Fact]
    public async Task Hartmann6_BeatsRandomSearch_AndMeetsTheTpeTargets()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 20).Select(seed => Task.Run(() => RegretRun.RunAsync(BenchmarkFunction.Hartmann6, Multivariate(seed), 100))));

        // Targets for TPE (reference §5.5): ≤ 0.60 at 50, ≤ 0.26 at 100; random search's exact median at 100 is 1.29.
        Assert.True(RegretRun.Median(runs.Select(r => r[49])) <= 0.60, $"median at 50: {RegretRun.Median(runs.Select(r => r[49]))}");
        Assert.True(RegretRun.Median(runs.Select(r => r[99])) <= 0.26, $"median at 100: {RegretRun.Median(runs.Select(r => r[99]))}");
    }

    [Fact]
    public async Task SameSeedAndHistory_GiveTheSameTrials()
    {
        async Task<IEnumerable<double>> RunAsync()
        {
            var study = new Study(Direction.Minimize, Multivariate(3));
            await study.OptimizeAsync((t, _) => ValueTask.FromResult(BenchmarkFunction.Branin.Evaluate([t.SuggestFloat("x0", -5, 10), t.SuggestFloat("x1", 0, 15)])),
                new OptimizeOptions { MaxTrials = 30 });
            return study.Trials.Select(t => t.Params["x0"]);
        }

        Assert.Equal(await RunAsync(), await RunAsync());
    }

    [Fact]
    public async Task EightParallelWorkers_NeverSuggestTheSamePoint_AndSeeEachOthersProposals()
    {
        var study = new Study(Direction.Minimize, Multivariate(5));

        await study.OptimizeAsync(async (t, token) =>
        {
            var x = new[] { t.SuggestFloat("x0", -5, 10), t.SuggestFloat("x1", 0, 15) };
            await Task.Delay(2, token);
            return BenchmarkFunction.Branin.Evaluate(x);
        }, new OptimizeOptions { MaxTrials = 80, Parallelism = 8 });

        Assert.Equal(80, study.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(80, study.Trials.Select(t => (t.Params["x0"], t.Params["x1"])).Distinct().Count());
    }

    [Fact]
    public async Task ConcurrentAsks_SeeTheRunningTrialsProposals()
    {
        var study = new Study(Direction.Minimize, Multivariate(6));
        await study.OptimizeAsync((t, _) => ValueTask.FromResult(BenchmarkFunction.Branin.Evaluate([t.SuggestFloat("x0", -5, 10), t.SuggestFloat("x1", 0, 15)])),
            new OptimizeOptions { MaxTrials = 20 });

        // Eight workers ask before any of them suggests: each later ask has the earlier proposals as running (bad) points.
        var asked = Enumerable.Range(0, 8).Select(_ => study.Ask()).ToList();
        var trials = study.Trials;
        var actual = asked.Select(t => t.SuggestFloat("x0", -5, 10)).ToList();

        // What each ask would have proposed with the running trials' points invisible: a fresh sampler per ask, shown the
        // trials without the proposals, starts its streams where that ask's draw started.
        var blind = asked.Select(t => Multivariate(6).SampleJoint(new StudyView(Direction.Minimize, trials), trials[t.Number])["x0"].Value).ToList();

        Assert.Equal(blind[0], actual[0]);
        Assert.Contains(Enumerable.Range(1, 7), i => blind[i] != actual[i]);
        Assert.Equal(8, actual.Distinct().Count());
    }
}
