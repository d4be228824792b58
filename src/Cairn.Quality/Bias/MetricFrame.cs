namespace Cairn.Quality.Bias;

/// <summary>The per-group metrics of a <see cref="MetricFrame"/> (Fairlearn's names).</summary>
public enum GroupMetric
{
    Count,
    SelectionRate,
    BaseRate,
    Accuracy,
    TruePositiveRate,
    FalsePositiveRate,
    TrueNegativeRate,
    FalseNegativeRate,
    Precision,
}

/// <summary><c>between_groups</c> compares the groups with each other; <c>to_overall</c> compares each with all rows.</summary>
public enum FrameMethod
{
    BetweenGroups,
    ToOverall,
}

/// <summary>How equalized odds combines its TPR and FPR parts: the worse one, or their mean.</summary>
public enum OddsAggregation
{
    WorstCase,
    Mean,
}

/// <summary>Weighted confusion counts of a set of rows.</summary>
public sealed record WeightedConfusion(double Weight, double TruePositive, double FalsePositive, double FalseNegative, double TrueNegative)
{
    /// <summary>A metric of these rows; rates divide as NumPy does (0/0 is NaN), as Fairlearn's results show.</summary>
    public double Metric(GroupMetric metric) => metric switch
    {
        GroupMetric.Count => Weight,
        GroupMetric.SelectionRate => (TruePositive + FalsePositive) / Weight,
        GroupMetric.BaseRate => (TruePositive + FalseNegative) / Weight,
        GroupMetric.Accuracy => (TruePositive + TrueNegative) / Weight,
        GroupMetric.TruePositiveRate => TruePositive / (TruePositive + FalseNegative),
        GroupMetric.FalsePositiveRate => FalsePositive / (FalsePositive + TrueNegative),
        GroupMetric.TrueNegativeRate => TrueNegative / (FalsePositive + TrueNegative),
        GroupMetric.FalseNegativeRate => FalseNegative / (TruePositive + FalseNegative),
        GroupMetric.Precision => TruePositive / (TruePositive + FalsePositive),
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };
}

/// <summary>
/// Fairlearn's <c>MetricFrame</c> for binary outcomes: every <see cref="GroupMetric"/> overall and per sensitive group,
/// group minimum and maximum, <c>difference</c> and <c>ratio</c> (between groups or to overall), and the fairness
/// summaries built on them (demographic parity, equalized odds, equal opportunity). Several sensitive features are
/// passed as one key per row naming their intersection; control features via <see cref="ByControl"/>.
/// </summary>
public sealed class MetricFrame
{
    private readonly Dictionary<string, WeightedConfusion> _groups;

    public MetricFrame(IReadOnlyList<bool> labels, IReadOnlyList<bool> predictions, IReadOnlyList<string> sensitive, IReadOnlyList<double>? weights = null)
    {
        if (labels.Count != predictions.Count || labels.Count != sensitive.Count || (weights is not null && weights.Count != labels.Count))
        {
            throw new ArgumentException("Labels, predictions, sensitive features and weights must have one value per row.");
        }

        var cells = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        var all = new double[5];
        for (int i = 0; i < labels.Count; i++)
        {
            if (!cells.TryGetValue(sensitive[i], out var cell))
            {
                cells[sensitive[i]] = cell = new double[5];
            }

            double weight = weights?[i] ?? 1;
            int index = labels[i] ? (predictions[i] ? 1 : 3) : (predictions[i] ? 2 : 4);
            foreach (var target in new[] { cell, all })
            {
                target[0] += weight;
                target[index] += weight;
            }
        }

        Groups = [.. cells.Keys];
        _groups = cells.ToDictionary(c => c.Key, c => Confusion(c.Value), StringComparer.Ordinal);
        OverallCounts = Confusion(all);
    }

    /// <summary>Group keys in ordinal order.</summary>
    public IReadOnlyList<string> Groups { get; }

    public WeightedConfusion OverallCounts { get; }

    public WeightedConfusion CountsOf(string group) => _groups[group];

    public double Overall(GroupMetric metric) => OverallCounts.Metric(metric);

    public double ByGroup(GroupMetric metric, string group) => _groups[group].Metric(metric);

    public double GroupMin(GroupMetric metric) => SkipNaN(Groups.Select(g => ByGroup(metric, g))).DefaultIfEmpty(double.NaN).Min();

    public double GroupMax(GroupMetric metric) => SkipNaN(Groups.Select(g => ByGroup(metric, g))).DefaultIfEmpty(double.NaN).Max();

    /// <summary>between_groups: max − min; to_overall: the largest |m_g − overall|.</summary>
    public double Difference(GroupMetric metric, FrameMethod method = FrameMethod.BetweenGroups) => method == FrameMethod.BetweenGroups
        ? GroupMax(metric) - GroupMin(metric)
        : SkipNaN(Groups.Select(g => Math.Abs(ByGroup(metric, g) - Overall(metric)))).DefaultIfEmpty(double.NaN).Max();

    /// <summary>between_groups: min / max; to_overall: the smallest m_g / overall, each inverted when above 1.</summary>
    public double Ratio(GroupMetric metric, FrameMethod method = FrameMethod.BetweenGroups)
    {
        if (method == FrameMethod.BetweenGroups)
        {
            return GroupMin(metric) / GroupMax(metric);
        }

        double overall = Overall(metric);
        return SkipNaN(Groups.Select(g => ByGroup(metric, g) / overall).Select(r => r > 1 ? 1 / r : r)).DefaultIfEmpty(double.NaN).Min();
    }

    public double DemographicParityDifference(FrameMethod method = FrameMethod.BetweenGroups) => Difference(GroupMetric.SelectionRate, method);

    public double DemographicParityRatio(FrameMethod method = FrameMethod.BetweenGroups) => Ratio(GroupMetric.SelectionRate, method);

    public double EqualizedOddsDifference(FrameMethod method = FrameMethod.BetweenGroups, OddsAggregation aggregation = OddsAggregation.WorstCase) =>
        Combine(Difference(GroupMetric.TruePositiveRate, method), Difference(GroupMetric.FalsePositiveRate, method), aggregation, worst: Math.Max);

    public double EqualizedOddsRatio(FrameMethod method = FrameMethod.BetweenGroups, OddsAggregation aggregation = OddsAggregation.WorstCase) =>
        Combine(Ratio(GroupMetric.TruePositiveRate, method), Ratio(GroupMetric.FalsePositiveRate, method), aggregation, worst: Math.Min);

    public double EqualOpportunityDifference(FrameMethod method = FrameMethod.BetweenGroups) => Difference(GroupMetric.TruePositiveRate, method);

    public double EqualOpportunityRatio(FrameMethod method = FrameMethod.BetweenGroups) => Ratio(GroupMetric.TruePositiveRate, method);

    /// <summary>Fairlearn's control features: one frame per control stratum, in ordinal order of the stratum.</summary>
    public static IReadOnlyDictionary<string, MetricFrame> ByControl(
        IReadOnlyList<bool> labels, IReadOnlyList<bool> predictions, IReadOnlyList<string> sensitive, IReadOnlyList<string> control, IReadOnlyList<double>? weights = null)
    {
        if (control.Count != labels.Count)
        {
            throw new ArgumentException("Control features must have one value per row.");
        }

        var frames = new SortedDictionary<string, MetricFrame>(StringComparer.Ordinal);
        foreach (var stratum in Enumerable.Range(0, labels.Count).GroupBy(i => control[i], StringComparer.Ordinal))
        {
            var rows = stratum.ToArray();
            frames[stratum.Key] = new MetricFrame(
                [.. rows.Select(i => labels[i])], [.. rows.Select(i => predictions[i])], [.. rows.Select(i => sensitive[i])], weights is null ? null : [.. rows.Select(i => weights[i])]);
        }

        return frames;
    }

    private static double Combine(double tpr, double fpr, OddsAggregation aggregation, Func<double, double, double> worst) =>
        aggregation == OddsAggregation.Mean ? (tpr + fpr) / 2 : worst(tpr, fpr);

    private static IEnumerable<double> SkipNaN(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v));

    private static WeightedConfusion Confusion(double[] cell) => new(cell[0], cell[1], cell[2], cell[3], cell[4]);
}
