namespace Cairn.Quality.Drift;

/// <summary>
/// The few special functions the drift tests need, in double precision: log-gamma (Lanczos), the regularised upper
/// incomplete gamma function (series / Lentz continued fraction), and from it the chi-square and normal tails.
/// Relative accuracy is about 1e-14 over the ranges the tests use.
/// </summary>
public static class SpecialFunctions
{
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0 || double.IsNaN(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma needs x > 0.");
        }

        if (x < 0.5)
        {
            // Reflection keeps the Lanczos sum in its accurate range.
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = Lanczos[0];
        double t = x + 7.5;
        for (int i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>Q(a, x) = Γ(a, x) / Γ(a), the regularised upper incomplete gamma function.</summary>
    public static double GammaQ(double a, double x)
    {
        if (a <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "GammaQ needs a > 0.");
        }

        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x <= 0)
        {
            return 1;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0;
        }

        return x < a + 1 ? 1 - GammaSeries(a, x) : GammaContinuedFraction(a, x);
    }

    /// <summary>P(a, x) by its power series (x &lt; a + 1).</summary>
    private static double GammaSeries(double a, double x)
    {
        double sum = 1 / a, term = sum, ap = a;
        for (int n = 0; n < 10_000; n++)
        {
            ap += 1;
            term *= x / ap;
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-17)
            {
                break;
            }
        }

        return sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a));
    }

    /// <summary>Q(a, x) by its continued fraction (x ≥ a + 1), modified Lentz.</summary>
    private static double GammaContinuedFraction(double a, double x)
    {
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-17)
            {
                break;
            }
        }

        return Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h;
    }

    /// <summary>Survival function of the chi-square distribution with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquareSf(double statistic, int df)
    {
        if (df < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(df), df, "Chi-square needs at least one degree of freedom.");
        }

        return double.IsPositiveInfinity(statistic) ? 0 : GammaQ(df / 2.0, statistic / 2);
    }

    /// <summary>erfc(x), accurate in the tail (no 1 − erf cancellation).</summary>
    public static double Erfc(double x) =>
        x >= 0 ? GammaQ(0.5, x * x) : 2 - GammaQ(0.5, x * x);

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>1 − Φ(x), accurate in the upper tail.</summary>
    public static double NormalSf(double x) => 0.5 * Erfc(x / Math.Sqrt(2));
}
