using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Pruners;

/// <summary>
/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the values completed trials
/// reported at the same step (Optuna's rule). Percentile 50 is true median stopping: the median is interpolated, not
/// the mean Katib's "medianstop" compares against.
/// </summary>
public class PercentilePruner : IPruner
{
    public PercentilePruner(double percentile, int startupTrials = 5, long warmupSteps = 0, long intervalSteps = 1, int minTrials = 1)
    {
        if (percentile is < 0 or > 100 || startupTrials < 0 || warmupSteps < 0 || intervalSteps < 1 || minTrials < 1)
        {
            throw new ArgumentException("Percentile must be in [0, 100], startup and warm-up ≥ 0, interval and minimum trials ≥ 1.");
        }

        (Percentile, StartupTrials, WarmupSteps, IntervalSteps, MinTrials) = (percentile, startupTrials, warmupSteps, intervalSteps, minTrials);
    }

    /// <summary>Keep the best <c>percentile</c> %; prune the rest.</summary>
    public double Percentile { get; }

    /// <summary>No pruning until this many trials have completed.</summary>
    public int StartupTrials { get; }

    /// <summary>No pruning before this step.</summary>
    public long WarmupSteps { get; }

    /// <summary>Check only every this many steps after the warm-up.</summary>
    public long IntervalSteps { get; }

    /// <summary>No pruning at a step fewer than this many completed trials reported.</summary>
    public int MinTrials { get; }

    public bool ShouldPrune(StudyView study, TrialRecord trial)
    {
        var completed = study.Trials.Where(t => t.State == TrialState.Complete).ToList();
        if (completed.Count == 0 || completed.Count < StartupTrials || trial.LastStep is not { } step || step < WarmupSteps)
        {
            return false;
        }

        // The first reported step of each interval counts, so sparse reporting still gets checked.
        var interval = (step - WarmupSteps) / IntervalSteps;
        if (trial.Intermediate.Keys.Any(s => s != step && s >= WarmupSteps && (s - WarmupSteps) / IntervalSteps == interval))
        {
            return false;
        }

        var best = trial.Intermediate.Values.Min(study.Loss);
        var others = completed.Where(t => t.Intermediate.ContainsKey(step)).Select(t => study.Loss(t.Intermediate[step])).ToList();
        return others.Count >= MinTrials && best > Interpolated(others, Percentile);
    }

    /// <summary>NumPy's default (linear) percentile.</summary>
    public static double Interpolated(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        var position = percentile / 100.0 * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}

/// <summary>Median stopping: prune when the best value so far is worse than the median of completed trials at that step.</summary>
public sealed class MedianPruner(int startupTrials = 5, long warmupSteps = 0, long intervalSteps = 1, int minTrials = 1)
    : PercentilePruner(50, startupTrials, warmupSteps, intervalSteps, minTrials);
