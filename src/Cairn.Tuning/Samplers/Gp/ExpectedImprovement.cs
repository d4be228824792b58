namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// Expected improvement below the best standardised loss, EI = σ·h(z) with z = (best − μ)/σ and h(z) = z·Φ(z) + φ(z),
/// taken as a logarithm: far from the best, EI underflows to 0 everywhere and a plain maximiser would see a flat surface.
/// </summary>
internal static class ExpectedImprovement
{
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    public static double Value(double mean, double sd, double best) => Math.Exp(Log(mean, sd, best));

    public static double Log(double mean, double sd, double best)
    {
        if (sd <= 0)
        {
            return mean < best ? Math.Log(best - mean) : double.NegativeInfinity;
        }

        return Math.Log(sd) + LogH((best - mean) / sd);
    }

    /// <summary>
    /// log(z·Φ(z) + φ(z)). Below z = −8 the two terms cancel to many digits, so the asymptotic series
    /// h(z) = φ(z)·(1/z² − 3/z⁴ + 15/z⁶ − 105/z⁸ + …) is used instead.
    /// </summary>
    public static double LogH(double z)
    {
        var logPdf = -0.5 * z * z - LogSqrtTwoPi;
        if (z > -8)
        {
            var h = z * NormalMath.Cdf(z) + Math.Exp(logPdf);
            return Math.Log(Math.Max(h, 1e-300));
        }

        var u = 1 / (z * z);
        return logPdf + Math.Log(u * (1 - u * (3 - u * (15 - 105 * u))));
    }
}
