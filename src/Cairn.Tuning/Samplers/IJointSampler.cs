using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>
/// A sampler that models parameters together (GP-BO, multivariate TPE). When a trial starts, it suggests the whole
/// assignment over the parameters every complete trial shares (<see cref="JointSpace"/>) at once; parameters outside that
/// space (conditional ones, or all of them before the first trial completes) go to <see cref="ISampler.Sample"/>.
/// </summary>
public interface IJointSampler : ISampler
{
    /// <summary>Internal values by parameter name; empty when the sampler has nothing joint to say yet.</summary>
    IReadOnlyDictionary<string, JointValue> SampleJoint(StudyView study, TrialRecord trial);
}

/// <summary>A jointly suggested internal value, used only if the trial asks for the parameter with this distribution.</summary>
public sealed record JointValue(Distribution Distribution, double Value);

/// <summary>The parameters that every complete trial has, each with the same distribution (Optuna's intersection space).</summary>
public static class JointSpace
{
    /// <summary>Sorted by name, so the column order does not depend on the order of suggestion.</summary>
    public static IReadOnlyList<(string Name, Distribution Distribution)> Of(StudyView study)
    {
        Dictionary<string, Distribution>? space = null;
        foreach (var trial in study.Trials.Where(t => t.State == TrialState.Complete && t.Value is not null))
        {
            if (space is null)
            {
                space = new Dictionary<string, Distribution>(trial.Distributions, StringComparer.Ordinal);
                continue;
            }

            foreach (var name in space.Keys.ToList())
            {
                if (!trial.Distributions.TryGetValue(name, out var distribution) || distribution != space[name])
                {
                    space.Remove(name);
                }
            }
        }

        return space is null ? [] : space.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)).ToList();
    }

    /// <summary>Whether the trial has every parameter of the space (with the same distribution).</summary>
    public static bool Covers(TrialRecord trial, IReadOnlyList<(string Name, Distribution Distribution)> space) =>
        space.All(p => trial.Distributions.TryGetValue(p.Name, out var d) && d == p.Distribution);
}
