namespace Cairn.Quality.Drift;

/// <summary>What a method's score is, which decides how it is compared with its threshold.</summary>
public enum ScoreKind
{
    /// <summary>A p-value: drift when it is small.</summary>
    PValue,

    /// <summary>A distance, divergence or index: drift when it is large.</summary>
    Distance,
}

/// <summary>
/// One per-column drift method (Evidently's <c>stattest</c> names and defaults, monitoring.md §1.1), with its score kind,
/// default threshold and comparison: <c>p ≤ thr</c> for KS, <c>p &lt; thr</c> for chi-square, Z and TVD,
/// <c>d ≥ thr</c> for every distance.
/// </summary>
public sealed record DriftMethod(string Name, string Description, ScoreKind Score, double DefaultThreshold, bool Numeric, bool Categorical)
{
    public static readonly DriftMethod Ks = new("ks", "two-sample Kolmogorov–Smirnov", ScoreKind.PValue, 0.05, true, false);
    public static readonly DriftMethod ChiSquare = new("chisquare", "Pearson chi-square goodness of fit", ScoreKind.PValue, 0.05, true, true);
    public static readonly DriftMethod Z = new("z", "two-proportion Z-test", ScoreKind.PValue, 0.05, true, true);
    public static readonly DriftMethod Wasserstein = new("wasserstein", "Wasserstein-1 normed by std(R)", ScoreKind.Distance, 0.1, true, false);
    public static readonly DriftMethod JensenShannon = new("jensenshannon", "Jensen–Shannon distance", ScoreKind.Distance, 0.1, true, true);
    public static readonly DriftMethod Psi = new("psi", "population stability index", ScoreKind.Distance, 0.1, true, true);
    public static readonly DriftMethod KlDiv = new("kl_div", "Kullback–Leibler divergence KL(R‖C)", ScoreKind.Distance, 0.1, true, true);
    public static readonly DriftMethod Hellinger = new("hellinger", "Hellinger distance", ScoreKind.Distance, 0.1, true, true);
    public static readonly DriftMethod TotalVariation = new("TVD", "total variation distance, permutation p-value", ScoreKind.PValue, 0.1, true, true);
    public static readonly DriftMethod LInfinity = new("linf", "L-infinity (Chebyshev) distance", ScoreKind.Distance, 0.1, true, true);

    public static IReadOnlyList<DriftMethod> All { get; } = [Ks, ChiSquare, Z, Wasserstein, JensenShannon, Psi, KlDiv, Hellinger, TotalVariation, LInfinity];

    /// <summary>The method of that name (case-insensitive), or null.</summary>
    public static DriftMethod? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a score means drift at this threshold, with this method's comparison.</summary>
    public bool IsDrift(double score, double threshold) =>
        this == Ks ? score <= threshold : Score == ScoreKind.PValue ? score < threshold : score >= threshold;

    /// <summary>The comparison, as text for reports: "p ≤ 0.05", "d ≥ 0.1"….</summary>
    public string Rule(double threshold) =>
        (this == Ks ? "p <= " : Score == ScoreKind.PValue ? "p < " : "score >= ") + threshold.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Evidently's default (§1.2): n_R ≤ 1000 → z (u ≤ 2), chisquare (3 ≤ u ≤ 5 numeric; u &gt; 2 categorical), ks
    /// (numeric, u &gt; 5); n_R &gt; 1000 → wasserstein for numeric with u &gt; 5, jensenshannon otherwise.
    /// n_R is the reference's non-missing count, u the distinct non-missing values of R ∪ C.
    /// </summary>
    public static DriftMethod Default(bool numeric, long referenceCount, long unique)
    {
        if (referenceCount <= 1000)
        {
            return unique <= 2 ? Z : numeric ? (unique <= 5 ? ChiSquare : Ks) : ChiSquare;
        }

        return numeric && unique > 5 ? Wasserstein : JensenShannon;
    }
}

/// <summary>Dataset-level verdict (§1.3): share = drifted / checked, drift when share ≥ drift_share (default 0.5).</summary>
public static class DatasetDriftRule
{
    public const double DefaultDriftShare = 0.5;

    public static double Share(int drifted, int checkedColumns) =>
        checkedColumns == 0 ? 0 : (double)drifted / checkedColumns;

    public static bool IsDrift(int drifted, int checkedColumns, double driftShare = DefaultDriftShare) =>
        checkedColumns > 0 && Share(drifted, checkedColumns) >= driftShare;
}
