namespace Cairn.Tuning.Samplers.Optuna;

/// <summary>
/// Optuna 3.1's truncated normal (its <c>_truncnorm</c>, taken from SciPy): the log of the normal mass over an interval,
/// the quantile function by bisection on log Φ, and the log density (without the 1/σ factor, as in 3.1). Bounds a and b
/// are in standard units.
/// </summary>
internal static class TruncatedNormal
{
    private static readonly double Sqrt2 = Math.Sqrt(2);
    private static readonly double LogSqrtTwoPi = Math.Log(Math.Sqrt(2 * Math.PI));
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>log(Φ(b) − Φ(a)), worked out in the left tail (by symmetry when the interval is right of 0).</summary>
    public static double LogGaussMass(double a, double b)
    {
        if (a > 0)
        {
            return LogDiff(LogNdtr(-a), LogNdtr(-b));
        }

        if (b <= 0)
        {
            return LogDiff(LogNdtr(b), LogNdtr(a));
        }

        return Numpy.Log1P(-Ndtr(a) - Ndtr(-b));
    }

    /// <summary>The q-quantile of the standard normal truncated to [a, b].</summary>
    public static double Ppf(double q, double a, double b)
    {
        if (a == b)
        {
            return double.NaN;
        }

        if (q == 1)
        {
            return b;
        }

        if (q == 0)
        {
            return a;
        }

        return a < 0
            ? NdtriExp(Numpy.LogAddExp(LogNdtr(a), Math.Log(q) + LogGaussMass(a, b)))
            : -NdtriExp(Numpy.LogAddExp(LogNdtr(-b), Numpy.Log1P(-q) + LogGaussMass(a, b)));
    }

    /// <summary>
    /// Log density at x (in standard units) of the normal truncated to [a, b], given <paramref name="logMass"/> =
    /// <see cref="LogGaussMass"/>(a, b); as in Optuna 3.1 it is not divided by the scale.
    /// </summary>
    public static double LogPdf(double x, double a, double b, double logMass)
    {
        if (a == b)
        {
            return double.NaN;
        }

        return x < a || b < x ? double.NegativeInfinity : -(x * x) / 2.0 - LogSqrtTwoPi - logMass;
    }

    /// <summary>log Φ(a): through Φ in the body, an asymptotic series far in the left tail.</summary>
    public static double LogNdtr(double a)
    {
        if (a > 6)
        {
            return -NdtrSingle(-a);
        }

        if (a > -20)
        {
            return Math.Log(NdtrSingle(a));
        }

        var logLeft = -0.5 * (a * a) - Math.Log(-a) - 0.5 * Math.Log(2 * Math.PI);
        var lastTotal = 0.0;
        var rightHandSide = 1.0;
        var numerator = 1.0;
        var denominatorFactor = 1.0;
        var denominatorStep = 1 / (a * a);
        var sign = 1;
        for (var i = 1; Math.Abs(lastTotal - rightHandSide) > MachineEpsilon; i++)
        {
            lastTotal = rightHandSide;
            sign = -sign;
            denominatorFactor *= denominatorStep;
            numerator *= 2 * i - 1;
            rightHandSide += sign * numerator * denominatorFactor;
        }

        return logLeft + Math.Log(rightHandSide);
    }

    /// <summary>Φ(a) with the C library's erf/erfc, choosing the one that keeps digits.</summary>
    private static double NdtrSingle(double a)
    {
        var x = a / Sqrt2;
        if (x < -1 / Sqrt2)
        {
            return 0.5 * ErrorFunction.Erfc(-x);
        }

        return x < 1 / Sqrt2 ? 0.5 + 0.5 * ErrorFunction.Erf(x) : 1.0 - 0.5 * ErrorFunction.Erfc(x);
    }

    /// <summary>Φ(a) as Optuna's vectorised code computes it (its own erf port).</summary>
    private static double Ndtr(double a) => 0.5 + 0.5 * ErrorFunction.OptunaErf(a / Sqrt2);

    private static double LogDiff(double logP, double logQ) => logP + Numpy.Log1P(-Math.Exp(logQ - logP));

    /// <summary>The x with log Φ(x) = y, by 100 bisection steps on [−100, 100].</summary>
    private static double NdtriExp(double y)
    {
        double low = -100, high = 100, middle = 0;
        if (LogNdtr(low) > y)
        {
            (low, high) = (high, low);
        }

        for (var i = 0; i < 100; i++)
        {
            middle = (low + high) / 2;
            if (LogNdtr(middle) < y)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return middle;
    }
}
