using Cairn.Tuning.Samplers;
using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Tests;

public sealed class StudyTests
{
    [Fact]
    public async Task Optimize_RecordsEveryTrial_AndFindsTheBest()
    {
        var study = new Study(Direction.Maximize, new TpeSampler(seed: 1));

        var reason = await study.OptimizeAsync((t, _) => ValueTask.FromResult(-Math.Pow(t.SuggestFloat("x", -10, 10) - 3, 2)), new OptimizeOptions { MaxTrials = 60 });

        Assert.Equal(StopReason.MaxTrials, reason);
        Assert.Equal(60, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.InRange((double)study.BestTrial!.ExternalParams["x"]!, 2.5, 3.5);
        Assert.Equal(study.Trials.Max(t => t.Value), study.BestTrial.Value);
    }

    [Fact]
    public async Task ConditionalParameters_AreOnlySuggestedWhereTheyApply()
    {
        var study = new Study(Direction.Minimize, new TpeSampler(seed: 2));

        await study.OptimizeAsync((t, _) =>
        {
            var kind = t.SuggestCategorical("kind", ["linear", "tree"]);
            var loss = kind == "linear" ? Math.Abs(Math.Log10(t.SuggestFloat("l2", 1e-4, 1, log: true)) + 2) + 0.5 : t.SuggestInt("depth", 1, 12) / 12.0;
            return ValueTask.FromResult(loss);
        }, new OptimizeOptions { MaxTrials = 40 });

        Assert.All(study.Trials, t => Assert.True(t.Params.ContainsKey("l2") != t.Params.ContainsKey("depth")));
        Assert.All(study.Trials.Where(t => t.Params.ContainsKey("l2")), t => Assert.Equal(0.0, t.Params["kind"]));
    }

    [Fact]
    public async Task EightParallelWorkers_NeverSuggestTheSamePoint()
    {
        var study = new Study(Direction.Minimize, new TpeSampler(seed: 3));

        await study.OptimizeAsync(async (t, token) =>
        {
            var x = new[] { t.SuggestFloat("x0", -5, 10), t.SuggestFloat("x1", 0, 15) };
            await Task.Delay(2, token);
            return Cairn.Tuning.Benchmarks.BenchmarkFunction.Branin.Evaluate(x);
        }, new OptimizeOptions { MaxTrials = 120, Parallelism = 8 });

        Assert.Equal(120, study.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(120, study.Trials.Select(t => (t.Params["x0"], t.Params["x1"])).Distinct().Count());
    }

    [Fact]
    public async Task FailedAndPrunedTrials_AreRecorded_AndTooManyFailuresStopTheStudy()
    {
        var study = new Study(Direction.Minimize, new RandomSampler(seed: 4));

        var reason = await study.OptimizeAsync((t, _) =>
        {
            var x = t.SuggestFloat("x", 0, 1);
            t.Report(0, x);
            return (t.Number % 3) switch
            {
                0 => throw new InvalidOperationException("out of memory"),
                1 => throw new TrialPrunedException(),
                _ => ValueTask.FromResult(x),
            };
        }, new OptimizeOptions { MaxTrials = 100, MaxFailedTrials = 5 });

        Assert.Equal(StopReason.TooManyFailures, reason);
        Assert.Equal(5, study.Trials.Count(t => t.State == TrialState.Failed));
        Assert.All(study.Trials.Where(t => t.State == TrialState.Pruned), t => Assert.Equal(t.Intermediate[0], t.Value));
    }

    [Fact]
    public async Task GoalAndPatience_StopEarly()
    {
        var goal = new Study(Direction.Minimize, new RandomSampler(seed: 5));
        var flat = new Study(Direction.Minimize, new RandomSampler(seed: 5));

        var goalReason = await goal.OptimizeAsync((t, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)), new OptimizeOptions { MaxTrials = 1000, Goal = 0.05 });
        var flatReason = await flat.OptimizeAsync((t, _) => ValueTask.FromResult(t.Number == 0 ? 0.0 : 1.0 + t.SuggestFloat("x", 0, 1)), new OptimizeOptions { MaxTrials = 1000, NoImprovementTrials = 10 });

        Assert.Equal(StopReason.Goal, goalReason);
        Assert.True(goal.BestTrial!.Value <= 0.05);
        Assert.Equal(StopReason.NoImprovement, flatReason);
        Assert.Equal(11, flat.Trials.Count);
    }

    [Fact]
    public async Task ARestoredStudy_ContinuesFromItsTrials_AsAnUninterruptedOneWould()
    {
        ValueTask<double> Objective(Trial t, CancellationToken _) => ValueTask.FromResult(Math.Pow(t.SuggestFloat("x", -5, 5), 2) + t.SuggestInt("k", 0, 4));
        var whole = new Study(Direction.Minimize, new TpeSampler(seed: 6));
        await whole.OptimizeAsync(Objective, new OptimizeOptions { MaxTrials = 30 });
        var first = new Study(Direction.Minimize, new TpeSampler(seed: 6));
        await first.OptimizeAsync(Objective, new OptimizeOptions { MaxTrials = 18 });

        var resumed = Study.Restore(Direction.Minimize, new TpeSampler(seed: 6), null, first.Trials);
        await resumed.OptimizeAsync(Objective, new OptimizeOptions { MaxTrials = 12 });

        Assert.Equal(whole.Trials.Select(t => t.Params["x"]), resumed.Trials.Select(t => t.Params["x"]));
    }

    [Fact]
    public void EnqueuedParameters_AreUsed_OthersSampled()
    {
        var study = new Study(Direction.Minimize, new RandomSampler(seed: 7));
        study.Enqueue(new Dictionary<string, object?> { ["x"] = 0.25, ["kind"] = "b", ["outside"] = 99.0 });

        var trial = study.Ask();
        var x = trial.SuggestFloat("x", 0, 1);
        var kind = trial.SuggestCategorical("kind", ["a", "b"]);
        var outside = trial.SuggestFloat("outside", 0, 1);

        Assert.Equal(0.25, x);
        Assert.Equal("b", kind);
        Assert.InRange(outside, 0, 1);
    }

    [Fact]
    public void MisuseIsRefused_WithAClearMessage()
    {
        var study = new Study(Direction.Minimize, new RandomSampler(seed: 8));
        var trial = study.Ask();
        trial.SuggestFloat("x", 0, 1);

        Assert.Throws<ArgumentException>(() => trial.SuggestFloat("x", 0, 2));
        Assert.Throws<ArgumentException>(() => trial.SuggestFloat("y", 1, 0));
        Assert.Throws<ArgumentException>(() => trial.SuggestFloat("z", 0, 1, log: true));
        Assert.Throws<ArgumentException>(() => trial.Report(-1, 0.5));
        study.Tell(trial.Number, 0.5);
        Assert.Throws<InvalidOperationException>(() => study.Tell(trial.Number, 0.4));
        Assert.Throws<InvalidOperationException>(() => trial.SuggestFloat("w", 0, 1));
    }
}
