namespace Cairn.Training.Datasets;

/// <summary>Size, seed and the two knobs of the synthetic credit data set (see docs/datasets/credit.md).</summary>
public sealed record CreditApplicantOptions
{
    public const int MaxRows = 10_000_000;
    public const double MaxDrift = 5;

    public int Rows { get; init; } = 1000;

    public int Seed { get; init; }

    /// <summary>0..1: lowers the approval log-odds of the <see cref="CreditModel.DisadvantagedGroup"/> by <see cref="CreditModel.BiasLogOdds"/> × Bias.</summary>
    public double Bias { get; init; }

    /// <summary>−5..5 standard deviations: income mean down and debt-to-income mean up by Drift SDs.</summary>
    public double Drift { get; init; }

    /// <summary>The first problem with these options, or null when they are usable.</summary>
    public string? Problem() =>
        Rows is < 1 or > MaxRows ? $"rows must be between 1 and {MaxRows} (got {Rows})."
        : !(Bias is >= 0 and <= 1) ? $"bias must be between 0 and 1 (got {Bias})."
        : !(Drift is >= -MaxDrift and <= MaxDrift) ? $"drift must be between -{MaxDrift} and {MaxDrift} standard deviations (got {Drift})."
        : null;
}
