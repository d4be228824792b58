using Cairn.Tuning.Space;

namespace Cairn.Tuning.Studies;

/// <summary>
/// What samplers and pruners see of a trial: its number, state, parameters (internal numbers with their
/// distributions), final value, and intermediate values by step. A snapshot: later changes make a new record.
/// </summary>
public sealed record TrialRecord(
    int Number,
    TrialState State,
    IReadOnlyDictionary<string, double> Params,
    IReadOnlyDictionary<string, Distribution> Distributions,
    double? Value,
    IReadOnlyDictionary<long, double> Intermediate)
{
    public long? LastStep => Intermediate.Count == 0 ? null : Intermediate.Keys.Max();

    /// <summary>The parameters as the objective saw them.</summary>
    public IReadOnlyDictionary<string, object?> ExternalParams =>
        Params.ToDictionary(p => p.Key, p => Distributions[p.Key].ToExternal(p.Value));
}
