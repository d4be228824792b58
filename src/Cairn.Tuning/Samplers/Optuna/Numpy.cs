namespace Cairn.Tuning.Samplers.Optuna;

/// <summary>The few NumPy numerics Optuna's TPE leans on, with NumPy's order of operations so sums round alike.</summary>
internal static class Numpy
{
    /// <summary><c>np.sum</c> over a contiguous row: NumPy's pairwise summation (8 accumulators, blocks of 128).</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        if (values.Length < 8)
        {
            var total = 0.0;
            foreach (var v in values)
            {
                total += v;
            }

            return total;
        }

        if (values.Length <= 128)
        {
            Span<double> r = stackalloc double[8];
            values[..8].CopyTo(r);
            var i = 8;
            for (; i < values.Length - values.Length % 8; i += 8)
            {
                for (var j = 0; j < 8; j++)
                {
                    r[j] += values[i + j];
                }
            }

            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < values.Length; i++)
            {
                result += values[i];
            }

            return result;
        }

        var half = values.Length / 2;
        half -= half % 8;
        return Sum(values[..half]) + Sum(values[half..]);
    }

    /// <summary>log(1 + x) without losing the digits of small x (the u = 1 + x correction).</summary>
    public static double Log1P(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary><c>np.logaddexp</c>: log(eˣ + eʸ).</summary>
    public static double LogAddExp(double x, double y)
    {
        if (x == y)
        {
            return x + Math.Log(2);
        }

        var d = x - y;
        return d > 0 ? x + Log1P(Math.Exp(-d)) : d <= 0 ? y + Log1P(Math.Exp(d)) : double.NaN;
    }
}
