using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Pruners;

/// <summary>Decides, after a trial reports an intermediate value, whether it should stop. Deterministic given the history.</summary>
public interface IPruner
{
    bool ShouldPrune(StudyView study, TrialRecord trial);
}

/// <summary>Never prunes.</summary>
public sealed class NopPruner : IPruner
{
    public static NopPruner Instance { get; } = new();

    public bool ShouldPrune(StudyView study, TrialRecord trial) => false;
}
