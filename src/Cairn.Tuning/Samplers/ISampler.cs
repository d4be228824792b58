using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>What a sampler or pruner may look at: the direction and a snapshot of every trial so far.</summary>
public sealed record StudyView(Direction Direction, IReadOnlyList<TrialRecord> Trials)
{
    /// <summary>A value turned so that smaller is better.</summary>
    public double Loss(double value) => Direction == Direction.Minimize ? value : -value;
}

/// <summary>
/// Chooses a parameter's value for a trial. Samplers are deterministic given their seed and the trial history: the same
/// history and trial number give the same internal value (the caller snaps it to the distribution's step).
/// </summary>
public interface ISampler
{
    double Sample(StudyView study, TrialRecord trial, string name, Distribution distribution);
}
