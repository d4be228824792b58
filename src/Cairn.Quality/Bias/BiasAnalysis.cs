namespace Cairn.Quality.Bias;

/// <summary>Options of a bias analysis.</summary>
public sealed record BiasOptions
{
    /// <summary>Reproduce Clarify's label-distribution quirk (values missing from either group dropped, not renormalised).</summary>
    public bool ClarifyCompat { get; init; }

    /// <summary>Pass range of signed differences (|value| ≤ limit) and of distances (value ≤ limit).</summary>
    public double DifferenceLimit { get; init; } = 0.1;

    /// <summary>Disparate impact passes from this value to its inverse (the four-fifths rule).</summary>
    public double DisparateImpactLower { get; init; } = 0.8;

    /// <summary>
    /// The flip test compares every d row with every a row; above this many pairs it is skipped (and a note says so)
    /// rather than running for hours.
    /// </summary>
    public long FlipTestMaxPairs { get; init; } = 5_000_000_000;
}

/// <summary>The result of <see cref="BiasAnalysis.Run"/>.</summary>
public sealed record BiasResult(
    FacetCounts Counts,
    LabelDistributions Distributions,
    IReadOnlyList<BiasMetric> PreTraining,
    IReadOnlyList<BiasMetric> PostTraining,
    IReadOnlyList<DemographicDisparity.Stratum>? LabelStrata,
    IReadOnlyList<DemographicDisparity.Stratum>? PredictionStrata,
    MetricFrame? Frame,
    IReadOnlyList<BiasMetric> GroupFairness,
    IReadOnlyList<string> Notes,
    IReadOnlyDictionary<string, MetricFrame>? ControlFrames = null)
{
    public IEnumerable<BiasMetric> All => PreTraining.Concat(PostTraining).Concat(GroupFairness);

    public BiasMetric Metric(string code) => All.Single(m => m.Code == code);
}

/// <summary>Computes every Clarify pre-training metric, and with predictions every post-training metric and the Fairlearn frame.</summary>
public static class BiasAnalysis
{
    public static BiasResult Run(BiasData data, BiasOptions? options = null)
    {
        options ??= new BiasOptions();
        data.Validate();
        double limit = options.DifferenceLimit;
        var counts = FacetCounts.Of(data.Labels, data.Predictions, data.Sensitive);
        var distributions = LabelDistributions.Of(data.LabelValues, data.Sensitive, options.ClarifyCompat);
        var labelStrata = data.Groups is null ? null : DemographicDisparity.ByStratum(data.Labels, data.Sensitive, data.Groups);

        var pre = new List<BiasMetric>
        {
            BiasMetric.Signed("CI", "Class imbalance", PreTrainingBias.ClassImbalance(counts), 2 * limit,
                "(n_a − n_d) / n; positive when the facet is under-represented"),
            BiasMetric.Signed("DPL", "Difference in positive proportions in labels", PreTrainingBias.DifferenceInPositiveProportions(counts), limit,
                "q_a − q_d; positive when d has fewer positive labels"),
            BiasMetric.NonNegative("KL", "Kullback–Leibler divergence", PreTrainingBias.KullbackLeibler(distributions), limit, "Σ P_a ln(P_a / P_d) of the label distributions"),
            BiasMetric.NonNegative("JS", "Jensen–Shannon divergence", PreTrainingBias.JensenShannon(distributions), limit, "½[KL(P_a‖P) + KL(P_d‖P)], P = ½(P_a + P_d)"),
            BiasMetric.NonNegative("LP", "L2 norm", PreTrainingBias.LpNorm(distributions), limit, "‖P_a − P_d‖₂"),
            BiasMetric.NonNegative("TVD", "Total variation distance", PreTrainingBias.TotalVariationDistance(distributions), limit, "½‖P_a − P_d‖₁"),
            BiasMetric.NonNegative("KS", "Kolmogorov–Smirnov distance", PreTrainingBias.KolmogorovSmirnov(distributions), limit, "max |P_a − P_d| over label values"),
        };
        if (labelStrata is not null)
        {
            pre.Add(BiasMetric.Signed("CDDL", "Conditional demographic disparity in labels", Weighted(labelStrata), limit,
                "size-weighted mean over strata of (d's share of rejections − d's share of acceptances)"));
        }

        if (data.Predictions is not { } predictions)
        {
            return new BiasResult(counts, distributions, pre, [], labelStrata, null, null, [], ["No predictions: only the pre-training metrics are computed."]);
        }

        var di = PostTrainingBias.DisparateImpact(counts);
        var post = new List<BiasMetric>
        {
            BiasMetric.Signed("DPPL", "Difference in positive proportions in predicted labels", PostTrainingBias.DifferenceInPredictedPositiveProportions(counts), limit,
                "q̂_a − q̂_d; positive when the model accepts d less often"),
            new("DI", "Disparate impact", di, 1, options.DisparateImpactLower, 1 / options.DisparateImpactLower, "q̂_d / q̂_a; below 0.8 fails the four-fifths rule"),
            BiasMetric.Signed("DCAcc", "Difference in conditional acceptance", PostTrainingBias.DifferenceInConditionalAcceptance(counts), limit,
                "n_a⁽¹⁾/n̂_a⁽¹⁾ − n_d⁽¹⁾/n̂_d⁽¹⁾ (observed ÷ predicted positives)"),
            BiasMetric.Signed("DCR", "Difference in conditional rejection", PostTrainingBias.DifferenceInConditionalRejection(counts), limit,
                "n_d⁽⁰⁾/n̂_d⁽⁰⁾ − n_a⁽⁰⁾/n̂_a⁽⁰⁾ (d minus a)"),
            BiasMetric.Signed("SD", "Specificity difference", PostTrainingBias.SpecificityDifference(counts), limit, "TNR_d − TNR_a (d minus a)"),
            BiasMetric.Signed("RD", "Recall difference", PostTrainingBias.RecallDifference(counts), limit, "TPR_a − TPR_d"),
            BiasMetric.Signed("DAR", "Difference in acceptance rates", PostTrainingBias.DifferenceInAcceptanceRates(counts), limit, "precision_a − precision_d"),
            BiasMetric.Signed("DRR", "Difference in rejection rates", PostTrainingBias.DifferenceInRejectionRates(counts), limit, "NPV_d − NPV_a (d minus a)"),
            BiasMetric.Signed("AD", "Accuracy difference", PostTrainingBias.AccuracyDifference(counts), limit, "ACC_a − ACC_d"),
            BiasMetric.Signed("TE", "Treatment equality", PostTrainingBias.TreatmentEquality(counts), 5 * limit, "FN_d/FP_d − FN_a/FP_a (d minus a)"),
            // GE compares individuals, not groups: any model with errors scores above 0, so it has no pass rule.
            BiasMetric.Informational("GE", "Generalized entropy (α = 2)", PostTrainingBias.GeneralizedEntropy(data.Labels, predictions),
                "inequality of the benefits ŷ − y + 1 over all rows"),
        };
        IReadOnlyList<DemographicDisparity.Stratum>? predictionStrata = null;
        if (data.Groups is not null)
        {
            predictionStrata = DemographicDisparity.ByStratum(predictions, data.Sensitive, data.Groups);
            post.Add(BiasMetric.Signed("CDDPL", "Conditional demographic disparity in predicted labels", Weighted(predictionStrata), limit,
                "CDDL computed on the predicted labels"));
        }

        var notes = new List<string>();
        long pairs = (long)counts.A.Rows * counts.D.Rows;
        if (data.Features is not { Count: > 0 } features || features[0].Length == 0)
        {
            notes.Add("FT is not computed: the data has no numeric feature columns besides facet, label, group and predictions.");
        }
        else if (pairs > options.FlipTestMaxPairs)
        {
            notes.Add($"FT is not computed: {pairs:N0} row pairs exceed the limit of {options.FlipTestMaxPairs:N0}; analyse a sample of the rows.");
        }
        else
        {
            post.Add(BiasMetric.Signed("FT", "Counterfactual flip test", FlipTest.Compute(features, predictions, data.Sensitive), limit,
                "(d rows the model accepts but their nearest a neighbours' predictions reject − the reverse) / n_d"));
            notes.Add($"FT compares each d row with its nearest a rows by {string.Join(", ", data.FeatureNames)}.");
        }

        if (data.Groups is null)
        {
            notes.Add("CDDL and CDDPL need a stratum column (--group).");
        }

        var keys = data.SensitiveGroups ?? [.. data.Sensitive.Select(s => s ? "d" : "a")];
        var frame = new MetricFrame(data.Labels, predictions, keys, data.Weights);
        var controlFrames = data.Controls is null ? null : MetricFrame.ByControl(data.Labels, predictions, keys, data.Controls, data.Weights);
        if (data.Weights is not null)
        {
            notes.Add("Sample weights apply to the per-group frame and its summaries (DPD … EOPR); Clarify's metrics count rows.");
        }

        return new BiasResult(counts, distributions, pre, post, labelStrata, predictionStrata, frame, GroupFairness(frame, options), notes, controlFrames);
    }

    /// <summary>Fairlearn's summaries over the facet's groups (between groups), with the usual pass rules.</summary>
    private static List<BiasMetric> GroupFairness(MetricFrame frame, BiasOptions options)
    {
        double limit = options.DifferenceLimit;
        return
        [
            BiasMetric.NonNegative("DPD", "Demographic parity difference", frame.DemographicParityDifference(), limit, "largest − smallest selection rate over groups"),
            new("DPR", "Demographic parity ratio", frame.DemographicParityRatio(), 1, options.DisparateImpactLower, 1, "smallest ÷ largest selection rate over groups"),
            BiasMetric.NonNegative("EOD", "Equalized odds difference", frame.EqualizedOddsDifference(), limit, "the larger of the TPR and FPR differences between groups"),
            new("EOR", "Equalized odds ratio", frame.EqualizedOddsRatio(), 1, options.DisparateImpactLower, 1, "the smaller of the TPR and FPR ratios between groups"),
            BiasMetric.NonNegative("EOPD", "Equal opportunity difference", frame.EqualOpportunityDifference(), limit, "largest − smallest true positive rate over groups"),
            new("EOPR", "Equal opportunity ratio", frame.EqualOpportunityRatio(), 1, options.DisparateImpactLower, 1, "smallest ÷ largest true positive rate over groups"),
        ];
    }

    private static double Weighted(IReadOnlyList<DemographicDisparity.Stratum> strata) =>
        ClarifyMath.Divide(strata.Sum(s => s.Rows * s.Disparity), strata.Sum(s => s.Rows));
}
