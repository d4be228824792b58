namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// Minimises a smooth function inside a box: limited-memory BFGS directions on the variables not held at a bound, a
/// projected backtracking (Armijo) line search, and a fall-back to steepest descent when the curvature memory misleads.
/// Small and deterministic; enough for a handful of GP hyperparameters or the acquisition function's few inputs.
/// </summary>
internal static class BoxLbfgs
{
    /// <summary>Value at x, with the gradient written into the second argument.</summary>
    public delegate double Objective(double[] x, double[] gradient);

    public static (double[] X, double Value) Minimize(Objective f, double[] start, double[] lower, double[] upper, int maxIterations = 60, int memory = 6)
    {
        var n = start.Length;
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = Math.Clamp(start[i], lower[i], upper[i]);
        }

        var g = new double[n];
        var value = f(x, g);
        var ss = new List<double[]>();
        var ys = new List<double[]>();
        var trial = new double[n];
        var trialGradient = new double[n];
        for (var iteration = 0; iteration < maxIterations && double.IsFinite(value); iteration++)
        {
            // Variables at a bound whose gradient pushes outwards stay put.
            var free = new bool[n];
            var projectedNorm = 0.0;
            for (var i = 0; i < n; i++)
            {
                free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
                if (free[i])
                {
                    projectedNorm = Math.Max(projectedNorm, Math.Abs(g[i]));
                }
            }

            if (projectedNorm < 1e-7)
            {
                break;
            }

            var direction = Direction(g, free, ss, ys);
            var slope = Dot(direction, g);
            if (!(slope < 0))
            {
                ss.Clear();
                ys.Clear();
                for (var i = 0; i < n; i++)
                {
                    direction[i] = free[i] ? -g[i] : 0;
                }

                slope = Dot(direction, g);
            }

            var step = iteration == 0 && ss.Count == 0 ? Math.Min(1.0, 1.0 / projectedNorm) : 1.0;
            var accepted = false;
            double trialValue = double.NaN;
            for (var attempt = 0; attempt < 30; attempt++, step *= 0.5)
            {
                for (var i = 0; i < n; i++)
                {
                    trial[i] = Math.Clamp(x[i] + step * direction[i], lower[i], upper[i]);
                }

                trialValue = f(trial, trialGradient);
                var decrease = 0.0;
                for (var i = 0; i < n; i++)
                {
                    decrease += g[i] * (trial[i] - x[i]);
                }

                if (double.IsFinite(trialValue) && trialValue <= value + 1e-4 * decrease)
                {
                    accepted = true;
                    break;
                }
            }

            if (!accepted)
            {
                break;
            }

            var s = new double[n];
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                s[i] = trial[i] - x[i];
                y[i] = trialGradient[i] - g[i];
            }

            if (Dot(s, y) > 1e-12)
            {
                ss.Add(s);
                ys.Add(y);
                if (ss.Count > memory)
                {
                    ss.RemoveAt(0);
                    ys.RemoveAt(0);
                }
            }

            var previous = value;
            Array.Copy(trial, x, n);
            Array.Copy(trialGradient, g, n);
            value = trialValue;
            if (Math.Abs(previous - value) <= 1e-10 * (1 + Math.Abs(value)))
            {
                break;
            }
        }

        return (x, value);
    }

    /// <summary>The two-loop recursion over the free variables.</summary>
    private static double[] Direction(double[] g, bool[] free, List<double[]> ss, List<double[]> ys)
    {
        var n = g.Length;
        var q = new double[n];
        for (var i = 0; i < n; i++)
        {
            q[i] = free[i] ? g[i] : 0;
        }

        var alphas = new double[ss.Count];
        for (var k = ss.Count - 1; k >= 0; k--)
        {
            var rho = 1 / Dot(ys[k], ss[k]);
            alphas[k] = rho * Dot(ss[k], q);
            for (var i = 0; i < n; i++)
            {
                q[i] -= alphas[k] * ys[k][i];
            }
        }

        if (ss.Count > 0)
        {
            var gamma = Dot(ss[^1], ys[^1]) / Dot(ys[^1], ys[^1]);
            for (var i = 0; i < n; i++)
            {
                q[i] *= gamma;
            }
        }

        for (var k = 0; k < ss.Count; k++)
        {
            var rho = 1 / Dot(ys[k], ss[k]);
            var beta = rho * Dot(ys[k], q);
            for (var i = 0; i < n; i++)
            {
                q[i] += ss[k][i] * (alphas[k] - beta);
            }
        }

        for (var i = 0; i < n; i++)
        {
            q[i] = free[i] ? -q[i] : 0;
        }

        return q;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
