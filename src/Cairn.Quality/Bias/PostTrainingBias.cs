namespace Cairn.Quality.Bias;

/// <summary>
/// SageMaker Clarify's post-training bias metrics: labels and the model's predicted labels. Signs follow Clarify:
/// a minus d, except DCR, SD, DRR and TE, which are d minus a. Divisions use <see cref="ClarifyMath.Divide"/>.
/// </summary>
public static class PostTrainingBias
{
    /// <summary>DPPL = q̂_a − q̂_d.</summary>
    public static double DifferenceInPredictedPositiveProportions(FacetCounts c) =>
        c.A.PredictedPositiveRate - c.D.PredictedPositiveRate;

    /// <summary>DI = q̂_d / q̂_a.</summary>
    public static double DisparateImpact(FacetCounts c) =>
        ClarifyMath.Divide(c.D.PredictedPositiveRate, c.A.PredictedPositiveRate);

    /// <summary>DCAcc (Clarify's DCA) = n_a⁽¹⁾/n̂_a⁽¹⁾ − n_d⁽¹⁾/n̂_d⁽¹⁾.</summary>
    public static double DifferenceInConditionalAcceptance(FacetCounts c) => ClarifyMath.Difference(
        ClarifyMath.Divide(c.A.LabelPositive, c.A.PredictedPositive), ClarifyMath.Divide(c.D.LabelPositive, c.D.PredictedPositive));

    /// <summary>DCR = n_d⁽⁰⁾/n̂_d⁽⁰⁾ − n_a⁽⁰⁾/n̂_a⁽⁰⁾ (d minus a).</summary>
    public static double DifferenceInConditionalRejection(FacetCounts c) => ClarifyMath.Difference(
        ClarifyMath.Divide(c.D.LabelNegative, c.D.PredictedNegative), ClarifyMath.Divide(c.A.LabelNegative, c.A.PredictedNegative));

    /// <summary>SD = TNR_d − TNR_a (d minus a).</summary>
    public static double SpecificityDifference(FacetCounts c) =>
        ClarifyMath.Divide(c.D.TrueNegative, c.D.TrueNegative + c.D.FalsePositive) - ClarifyMath.Divide(c.A.TrueNegative, c.A.TrueNegative + c.A.FalsePositive);

    /// <summary>RD = TPR_a − TPR_d.</summary>
    public static double RecallDifference(FacetCounts c) =>
        ClarifyMath.Divide(c.A.TruePositive, c.A.TruePositive + c.A.FalseNegative) - ClarifyMath.Divide(c.D.TruePositive, c.D.TruePositive + c.D.FalseNegative);

    /// <summary>DAR = TP_a/n̂_a⁽¹⁾ − TP_d/n̂_d⁽¹⁾ (difference in precision).</summary>
    public static double DifferenceInAcceptanceRates(FacetCounts c) =>
        ClarifyMath.Divide(c.A.TruePositive, c.A.PredictedPositive) - ClarifyMath.Divide(c.D.TruePositive, c.D.PredictedPositive);

    /// <summary>DRR = TN_d/n̂_d⁽⁰⁾ − TN_a/n̂_a⁽⁰⁾ (d minus a; difference in negative predictive value).</summary>
    public static double DifferenceInRejectionRates(FacetCounts c) =>
        ClarifyMath.Divide(c.D.TrueNegative, c.D.PredictedNegative) - ClarifyMath.Divide(c.A.TrueNegative, c.A.PredictedNegative);

    /// <summary>AD = ACC_a − ACC_d.</summary>
    public static double AccuracyDifference(FacetCounts c) =>
        ClarifyMath.Divide(c.A.TruePositive + c.A.TrueNegative, c.A.Rows) - ClarifyMath.Divide(c.D.TruePositive + c.D.TrueNegative, c.D.Rows);

    /// <summary>TE = FN_d/FP_d − FN_a/FP_a (d minus a).</summary>
    public static double TreatmentEquality(FacetCounts c) => ClarifyMath.Difference(
        ClarifyMath.Divide(c.D.FalseNegative, c.D.FalsePositive), ClarifyMath.Divide(c.A.FalseNegative, c.A.FalsePositive));

    /// <summary>CDDPL: conditional demographic disparity of the predicted labels.</summary>
    public static double ConditionalDemographicDisparity(IReadOnlyList<bool> predictions, IReadOnlyList<bool> sensitive, IReadOnlyList<string> groups) =>
        DemographicDisparity.Conditional(predictions, sensitive, groups);

    /// <summary>
    /// GE (α = 2): b_i = ŷ_i − y_i + 1, μ = mean(b), GE = Σ((b_i/μ)² − 1) / (2n). When μ = 0 every benefit is 0,
    /// which is perfectly equal, so GE is 0; no rows also give 0.
    /// </summary>
    public static double GeneralizedEntropy(IReadOnlyList<bool> labels, IReadOnlyList<bool> predictions, double alpha = 2)
    {
        int n = labels.Count;
        if (n == 0)
        {
            return 0;
        }

        var benefits = new double[n];
        for (int i = 0; i < n; i++)
        {
            benefits[i] = (predictions[i] ? 1 : 0) - (labels[i] ? 1 : 0) + 1;
        }

        double mean = benefits.Average();
        if (mean == 0)
        {
            return 0;
        }

        return benefits.Sum(b => Math.Pow(b / mean, alpha) - 1) / (n * alpha * (alpha - 1));
    }
}
