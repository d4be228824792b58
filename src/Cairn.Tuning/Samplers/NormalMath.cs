namespace Cairn.Tuning.Samplers;

/// <summary>The standard normal CDF and log-density the Parzen estimators need.</summary>
internal static class NormalMath
{
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    public static double LogPdf(double x, double mu, double sigma)
    {
        var z = (x - mu) / sigma;
        return -0.5 * z * z - LogSqrtTwoPi - Math.Log(sigma);
    }

    /// <summary>log(Φ(b) − Φ(a)) for a ≤ b, computed in the tail nearer to the interval so small masses keep their digits.</summary>
    public static double LogMass(double a, double b)
    {
        var mass = a > 0 ? Cdf(-a) - Cdf(-b) : Cdf(b) - Cdf(a);
        return Math.Log(Math.Max(mass, 1e-300));
    }

    /// <summary>Complementary error function, Chebyshev fit with fractional error below 1.2e-7 everywhere.</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
