namespace Cairn.Quality.Bias;

/// <summary>
/// Which columns a bias analysis reads and how it splits them: the facet (selected values, or <c>facet &gt; threshold</c>
/// as the sensitive group d), the label (positive values, or <c>label &gt; threshold</c>; default true/1/yes), an optional
/// stratum column for conditional demographic disparity and an optional column of existing predictions.
/// </summary>
public sealed record BiasSpec
{
    public required string Facet { get; init; }

    public IReadOnlyList<string> FacetValues { get; init; } = [];

    public double? FacetThreshold { get; init; }

    public required string Label { get; init; }

    public IReadOnlyList<string> PositiveValues { get; init; } = [];

    public double? LabelThreshold { get; init; }

    public string? Group { get; init; }

    public string? PredictionColumn { get; init; }

    /// <summary>More sensitive columns: the per-group frame groups rows by the facet and these together (intersections).</summary>
    public IReadOnlyList<string> Intersect { get; init; } = [];

    /// <summary>A column of non-negative row weights for the per-group frame (Clarify's metrics count rows).</summary>
    public string? SampleWeight { get; init; }

    /// <summary>Control columns: the per-group frame is also computed within each of their strata (Fairlearn's control features).</summary>
    public IReadOnlyList<string> Control { get; init; } = [];

    /// <summary>Clarify's <c>probability_threshold</c>: predictions are scores, and a score above it is a positive prediction.</summary>
    public double? ProbabilityThreshold { get; init; }
}

/// <summary>A mistake in the columns or values a bias analysis was asked for; the message names the option to change.</summary>
public sealed class BiasInputException(string message) : Exception(message);
