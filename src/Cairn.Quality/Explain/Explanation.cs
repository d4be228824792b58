using Cairn.Training.Explain;

namespace Cairn.Quality.Explain;

public enum ExplainMethod
{
    Auto,
    Tree,
    Kernel,
}

/// <summary>What to explain and how.</summary>
public sealed record ExplainOptions
{
    public ExplainMethod Method { get; init; } = ExplainMethod.Auto;

    /// <summary>Background rows (sampled from the data): Kernel SHAP's B (default 100) or the rows giving TreeSHAP its node cover (default: every row, at most 10,000).</summary>
    public int? Background { get; init; }

    /// <summary>Kernel SHAP coalitions per row; null is shap's "auto" (2M + 2048, capped at 2^M − 2).</summary>
    public int? KernelSamples { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>For a classifier with a score per class: the class explained (its label, or 0-based position).</summary>
    public string? Class { get; init; }

    /// <summary>Partial dependence for this many of the most important features.</summary>
    public int DependenceFeatures { get; init; } = 3;

    public int GridResolution { get; init; } = 20;

    /// <summary>Rows averaged for partial dependence (each one an ICE curve).</summary>
    public int DependenceRows { get; init; } = 100;

    public int PermutationRepeats { get; init; } = 5;
}

/// <summary>Everything an explanation report shows. Feature order is the model's input order.</summary>
public sealed record Explanation(
    string Method,
    string Output,
    IReadOnlyList<string> Features,
    double ExpectedValue,
    IReadOnlyList<int> RowIds,
    double[] Predictions,
    double[][] Shap,
    double[][] FeatureNumbers,
    string?[][] FeatureTexts,
    IReadOnlyList<PartialDependenceResult> Dependence,
    IReadOnlyList<FeatureImportance>? Permutation,
    string? PermutationMetric,
    IReadOnlyList<(string Name, string Value)> Facts)
{
    /// <summary>Global importance: mean |SHAP| per feature, in feature order.</summary>
    public double[] MeanAbsShap() =>
        Features.Select((_, j) => Shap.Length == 0 ? 0 : Shap.Average(row => Math.Abs(row[j]))).ToArray();

    /// <summary>Feature indexes, most important (mean |SHAP|) first.</summary>
    public int[] Ranking()
    {
        var importance = MeanAbsShap();
        return Enumerable.Range(0, Features.Count).OrderByDescending(j => importance[j]).ThenBy(j => Features[j], StringComparer.Ordinal).ToArray();
    }
}
