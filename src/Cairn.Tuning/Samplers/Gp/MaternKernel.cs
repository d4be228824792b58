namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// The Matérn-5/2 correlation with one length scale per input (ARD): m(r) = (1 + √5·r + 5r²/3)·e^(−√5·r), where
/// r² = Σ ((xₖ − x'ₖ)/ℓₖ)². Twice differentiable, so smooth objectives are modelled without the squared exponential's
/// overconfidence.
/// </summary>
internal static class MaternKernel
{
    private static readonly double Sqrt5 = Math.Sqrt(5);

    public static double Correlation(double r)
    {
        var s = Sqrt5 * r;
        return (1 + s + s * s / 3) * Math.Exp(-s);
    }

    /// <summary>−(dm/dr)/r = (5/3)(1 + √5·r)·e^(−√5·r): finite at r = 0, so ∂m/∂log ℓₖ = this · (Δₖ/ℓₖ)².</summary>
    public static double LengthScaleFactor(double r) => 5.0 / 3.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);

    public static double ScaledDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> lengthScales)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            var d = (a[k] - b[k]) / lengthScales[k];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }
}
