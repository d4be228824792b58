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

    /// <summary>
    /// <c>np.argsort</c> (default kind) as NumPy 1.24 runs it: introsort with median-of-three partitions, insertion sort
    /// below 16 elements and heapsort past the depth limit. Not stable, so equal values (integer parameters) come out in
    /// NumPy's order, which decides which of them gets which bandwidth.
    /// </summary>
    public static int[] ArgSort(IReadOnlyList<double> v)
    {
        var t = Enumerable.Range(0, v.Count).ToArray();
        if (t.Length < 2)
        {
            return t;
        }

        var stack = new Stack<(int Low, int High, int Depth)>();
        var (pl, pr) = (0, t.Length - 1);
        var depth = 2 * (int)Math.Log2(t.Length);
        while (true)
        {
            if (depth < 0)
            {
                HeapSort(v, t, pl, pr - pl + 1);
            }
            else
            {
                while (pr - pl > 15)
                {
                    var pm = pl + ((pr - pl) >> 1);
                    SwapIfLess(v, t, pm, pl);
                    SwapIfLess(v, t, pr, pm);
                    SwapIfLess(v, t, pm, pl);
                    var pivot = v[t[pm]];
                    var (pi, pj) = (pl, pr - 1);
                    (t[pm], t[pj]) = (t[pj], t[pm]);
                    while (true)
                    {
                        do
                        {
                            pi++;
                        }
                        while (Less(v[t[pi]], pivot));

                        do
                        {
                            pj--;
                        }
                        while (Less(pivot, v[t[pj]]));

                        if (pi >= pj)
                        {
                            break;
                        }

                        (t[pi], t[pj]) = (t[pj], t[pi]);
                    }

                    (t[pi], t[pr - 1]) = (t[pr - 1], t[pi]);
                    depth--;
                    if (pi - pl < pr - pi)
                    {
                        stack.Push((pi + 1, pr, depth));
                        pr = pi - 1;
                    }
                    else
                    {
                        stack.Push((pl, pi - 1, depth));
                        pl = pi + 1;
                    }
                }

                for (var pi = pl + 1; pi <= pr; pi++)
                {
                    var vi = t[pi];
                    var pj = pi;
                    for (; pj > pl && Less(v[vi], v[t[pj - 1]]); pj--)
                    {
                        t[pj] = t[pj - 1];
                    }

                    t[pj] = vi;
                }
            }

            if (stack.Count == 0)
            {
                return t;
            }

            (pl, pr, depth) = stack.Pop();
        }
    }

    // NaN sorts last.
    private static bool Less(double a, double b) => a < b || (double.IsNaN(b) && !double.IsNaN(a));

    private static void SwapIfLess(IReadOnlyList<double> v, int[] t, int i, int j)
    {
        if (Less(v[t[i]], v[t[j]]))
        {
            (t[i], t[j]) = (t[j], t[i]);
        }
    }

    /// <summary>NumPy's <c>aheapsort</c> over t[start .. start + n), 1-based inside.</summary>
    private static void HeapSort(IReadOnlyList<double> v, int[] t, int start, int n)
    {
        int At(int k) => t[start + k - 1];
        void Set(int k, int value) => t[start + k - 1] = value;
        void SiftDown(int i, int count, int item)
        {
            for (var j = i << 1; j <= count;)
            {
                if (j < count && Less(v[At(j)], v[At(j + 1)]))
                {
                    j++;
                }

                if (!Less(v[item], v[At(j)]))
                {
                    break;
                }

                Set(i, At(j));
                i = j;
                j += j;
            }

            Set(i, item);
        }

        for (var l = n >> 1; l > 0; l--)
        {
            SiftDown(l, n, At(l));
        }

        for (; n > 1;)
        {
            var item = At(n);
            Set(n, At(1));
            n--;
            SiftDown(1, n, item);
        }
    }
}
