namespace Cairn.Quality.Bias;

/// <summary>SageMaker Clarify's pre-training bias metrics: they look at the labels only, so they need no model.</summary>
public static class PreTrainingBias
{
    /// <summary>CI = (n_a − n_d) / (n_a + n_d); positive when the facet is under-represented.</summary>
    public static double ClassImbalance(FacetCounts counts) =>
        ClarifyMath.Divide(counts.A.Rows - counts.D.Rows, counts.A.Rows + counts.D.Rows);

    /// <summary>DPL = q_a − q_d.</summary>
    public static double DifferenceInPositiveProportions(FacetCounts counts) =>
        counts.A.LabelPositiveRate - counts.D.LabelPositiveRate;

    /// <summary>KL = Σ_y P_a(y) ln(P_a(y) / P_d(y)).</summary>
    public static double KullbackLeibler(LabelDistributions p) => LabelDistributions.KullbackLeibler(p.A, p.D);

    /// <summary>JS = ½[KL(P_a‖P) + KL(P_d‖P)] with P = ½(P_a + P_d) (the divergence, not its square root).</summary>
    public static double JensenShannon(LabelDistributions p)
    {
        var middle = p.A.Zip(p.D, (a, d) => 0.5 * (a + d)).ToArray();
        return 0.5 * (LabelDistributions.KullbackLeibler(p.A, middle) + LabelDistributions.KullbackLeibler(p.D, middle));
    }

    /// <summary>LP = ‖P_a − P_d‖₂.</summary>
    public static double LpNorm(LabelDistributions p) => Math.Sqrt(p.A.Zip(p.D, (a, d) => (a - d) * (a - d)).Sum());

    /// <summary>TVD = ½‖P_a − P_d‖₁.</summary>
    public static double TotalVariationDistance(LabelDistributions p) => 0.5 * p.A.Zip(p.D, (a, d) => Math.Abs(a - d)).Sum();

    /// <summary>KS = max_y |P_a(y) − P_d(y)| over label values (a distance, not the KS test).</summary>
    public static double KolmogorovSmirnov(LabelDistributions p) => p.A.Zip(p.D, (a, d) => Math.Abs(a - d)).DefaultIfEmpty(0).Max();

    /// <summary>CDDL: conditional demographic disparity of the observed labels within the strata of <paramref name="groups"/>.</summary>
    public static double ConditionalDemographicDisparity(IReadOnlyList<bool> labels, IReadOnlyList<bool> sensitive, IReadOnlyList<string> groups) =>
        DemographicDisparity.Conditional(labels, sensitive, groups);
}
