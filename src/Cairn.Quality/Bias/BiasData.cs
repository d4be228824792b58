namespace Cairn.Quality.Bias;

/// <summary>
/// The rows a bias analysis looks at, one entry per row in every list: whether the row belongs to the selected facet
/// (d), its label value (for the label distributions), whether the label is positive, and optionally the predicted
/// label, a stratum for conditional demographic disparity, the facet's own value (for the per-group frame) and numeric
/// features (for the flip test).
/// </summary>
public sealed record BiasData
{
    public required IReadOnlyList<bool> Sensitive { get; init; }

    public required IReadOnlyList<string> LabelValues { get; init; }

    public required IReadOnlyList<bool> Labels { get; init; }

    public IReadOnlyList<bool>? Predictions { get; init; }

    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Key of each row's sensitive group in the metric frame (default: "d" and "a").</summary>
    public IReadOnlyList<string>? SensitiveGroups { get; init; }

    /// <summary>Row weights of the per-group frame.</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>Each row's control stratum (Fairlearn's control features), for frames within strata.</summary>
    public IReadOnlyList<string>? Controls { get; init; }

    public IReadOnlyList<double[]>? Features { get; init; }

    /// <summary>The names of the <see cref="Features"/> columns, for reports.</summary>
    public IReadOnlyList<string> FeatureNames { get; init; } = [];

    public int Rows => Labels.Count;

    public void Validate()
    {
        bool Fits<T>(IReadOnlyList<T>? list) => list is null || list.Count == Rows;
        if (!Fits(Sensitive) || !Fits(LabelValues) || !Fits(Predictions) || !Fits(Groups) || !Fits(SensitiveGroups) || !Fits(Features) || !Fits(Weights) || !Fits(Controls))
        {
            throw new ArgumentException("Every column of the bias data must have one value per row.");
        }
    }
}
