using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Pruners;

/// <summary>
/// Hyperband: several successive-halving brackets, from aggressive (first rung at the minimum resource) to none (a
/// single rung at the maximum), so a bad guess of how early curves can be judged costs less. Each trial is assigned
/// to one bracket (by its number, weighted as Hyperband sizes its brackets) and compared only with trials of that
/// bracket. Brackets are asynchronous: nothing waits for a bracket to fill, so any number of parallel trials works
/// (Katib requires parallelism ≥ η^s_max; here brackets just fill as trials arrive).
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly SuccessiveHalvingPruner[] _brackets;
    private readonly double[] _cumulativeWeights;

    public HyperbandPruner(long minResource, long maxResource, int reductionFactor = 3)
    {
        if (minResource < 1 || maxResource < minResource || reductionFactor < 2)
        {
            throw new ArgumentException("Hyperband needs 1 ≤ minimum resource ≤ maximum resource and a reduction factor ≥ 2.");
        }

        (MinResource, MaxResource, ReductionFactor) = (minResource, maxResource, reductionFactor);
        var sMax = (int)Math.Floor(Math.Log((double)maxResource / minResource, reductionFactor) + 1e-9);
        _brackets = Enumerable.Range(0, sMax + 1).Select(s => new SuccessiveHalvingPruner(minResource, reductionFactor, s)).ToArray();

        // Hyperband's bracket sizes: bracket s starts ⌈(s_max + 1) / (s_max − s + 1) · η^(s_max − s)⌉ trials.
        var weights = Enumerable.Range(0, sMax + 1).Select(s => Math.Ceiling((sMax + 1.0) / (sMax - s + 1) * Math.Pow(reductionFactor, sMax - s))).ToArray();
        var total = weights.Sum();
        _cumulativeWeights = weights.Select((_, i) => weights.Take(i + 1).Sum() / total).ToArray();
    }

    public long MinResource { get; }

    public long MaxResource { get; }

    public int ReductionFactor { get; }

    public int BracketCount => _brackets.Length;

    /// <summary>The bracket of a trial: fixed by its number, so a restored study keeps every trial's bracket.</summary>
    public int BracketOf(int trialNumber)
    {
        var u = (SeededRandom.Hash($"hyperband\u001f{trialNumber}") & 0xFFFFFF) / (double)0x1000000;
        var bracket = Array.FindIndex(_cumulativeWeights, c => u < c);
        return bracket < 0 ? _brackets.Length - 1 : bracket;
    }

    public bool ShouldPrune(StudyView study, TrialRecord trial)
    {
        var bracket = BracketOf(trial.Number);
        return _brackets[bracket].ShouldPrune(study, trial, t => BracketOf(t.Number) == bracket);
    }
}
