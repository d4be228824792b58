using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Pruners;

/// <summary>
/// Asynchronous successive halving (ASHA). Rung k is reached at step r·η^(s+k); a trial's value there is its value at the
/// first step it reported at or after that point. On reaching a rung, a trial continues only if it is within the best
/// ⌊m/η⌋ (at least the best one) of the m trials that reached it, counting itself. Nothing waits for a rung to fill.
/// Rung values are read from the trials' intermediate values, so the pruner keeps no state of its own.
/// </summary>
public sealed class SuccessiveHalvingPruner : IPruner
{
    public SuccessiveHalvingPruner(long? minResource = null, int reductionFactor = 4, int minEarlyStoppingRate = 0)
    {
        if (minResource is < 1 || reductionFactor < 2 || minEarlyStoppingRate < 0)
        {
            throw new ArgumentException("Minimum resource must be ≥ 1, reduction factor ≥ 2 and minimum early-stopping rate ≥ 0.");
        }

        (MinResource, ReductionFactor, MinEarlyStoppingRate) = (minResource, reductionFactor, minEarlyStoppingRate);
    }

    /// <summary>r; null means "auto": max(1, ⌊largest last step of completed trials / 100⌋), no pruning before one completes.</summary>
    public long? MinResource { get; }

    public int ReductionFactor { get; }

    public int MinEarlyStoppingRate { get; }

    public bool ShouldPrune(StudyView study, TrialRecord trial) => ShouldPrune(study, trial, static _ => true);

    /// <summary>As <see cref="ShouldPrune(StudyView, TrialRecord)"/>, comparing only with the trials <paramref name="peers"/> accepts.</summary>
    internal bool ShouldPrune(StudyView study, TrialRecord trial, Func<TrialRecord, bool> peers)
    {
        if (trial.LastStep is not { } step || Resource(study) is not { } minResource)
        {
            return false;
        }

        for (var rung = 0; ; rung++)
        {
            var threshold = RungStep(minResource, rung);
            if (step < threshold)
            {
                return false;
            }

            // Judge a rung once: when the trial first reports at or beyond it.
            if (trial.Intermediate.Keys.Any(s => s != step && s >= threshold))
            {
                continue;
            }

            var value = study.Loss(trial.Intermediate[step]);
            var competitors = study.Trials.Where(t => t.Number != trial.Number && peers(t)).Select(t => RungValue(study, t, threshold))
                .OfType<double>().Append(value).Order().ToList();
            var promotable = Math.Max(0, competitors.Count / ReductionFactor - 1);
            if (value > competitors[promotable])
            {
                return true;
            }
        }
    }

    private long RungStep(long minResource, int rung) => checked(minResource * (long)Math.Pow(ReductionFactor, MinEarlyStoppingRate + rung));

    private long? Resource(StudyView study)
    {
        if (MinResource is { } fixedResource)
        {
            return fixedResource;
        }

        var lastSteps = study.Trials.Where(t => t.State == TrialState.Complete && t.LastStep is not null).Select(t => t.LastStep!.Value).ToList();
        return lastSteps.Count == 0 ? null : Math.Max(1, lastSteps.Max() / 100);
    }

    private static double? RungValue(StudyView study, TrialRecord trial, long threshold)
    {
        var reached = trial.Intermediate.Keys.Where(s => s >= threshold).ToList();
        return reached.Count == 0 ? null : study.Loss(trial.Intermediate[reached.Min()]);
    }
}
