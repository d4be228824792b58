namespace Cairn.Quality.Drift;

/// <summary>How the two-sample KS p-value is computed (SciPy's <c>ks_2samp(method=…)</c>).</summary>
public enum KsMode
{
    /// <summary>Exact when max(n_R, n_C) ≤ 10,000, else asymptotic (SciPy's <c>auto</c>).</summary>
    Auto,

    /// <summary>Exact lattice-path probability; falls back to asymptotic when it cannot be computed.</summary>
    Exact,

    /// <summary><c>kstwo.sf(D, round(n_R n_C / (n_R + n_C)))</c>.</summary>
    Asymptotic,
}

/// <summary>A two-sample KS result: the statistic (snapped to h / lcm(n_R, n_C) when exact), its p-value and how it was computed.</summary>
public sealed record KsResult(double Statistic, double PValue, bool Exact);

/// <summary>
/// Two-sample Kolmogorov–Smirnov test as SciPy 1.10's <c>ks_2samp</c> (two-sided): D = sup |F_R − F_C| over the
/// merged sample; exact p-values by lattice-path counting (Horner product for equal sizes, Hodges' inside method in
/// Viehmann's 1 − p form otherwise); asymptotic p-values from the exact distribution of the one-sample statistic
/// D_n with n = round(en), computed as <c>scipy.stats.kstwo.sf</c> does (Simard and L'Ecuyer's choice of method).
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>Largest sample size for which <see cref="KsMode.Auto"/> computes the exact p-value.</summary>
    public const int MaxAutoExactN = 10_000;

    /// <summary>D = max over the merged support of |F_R(x) − F_C(x)| with right-continuous empirical CDFs.</summary>
    public static double Statistic(EmpiricalDistribution reference, EmpiricalDistribution current)
    {
        double d = 0;
        EmpiricalDistribution.Walk(reference, current, (fr, fc, _) => d = Math.Max(d, Math.Abs(fr - fc)));
        return d;
    }

    /// <summary>D between a distribution and an ascending sample, in one merge pass.</summary>
    public static double Statistic(EmpiricalDistribution reference, ReadOnlySpan<double> sortedCurrent)
    {
        var values = reference.Values;
        var counts = reference.Counts;
        double nR = reference.Total, nC = sortedCurrent.Length, d = 0;
        int i = 0, j = 0;
        long cr = 0, cc = 0;
        while (i < values.Length || j < sortedCurrent.Length)
        {
            double x = j >= sortedCurrent.Length || (i < values.Length && values[i] <= sortedCurrent[j]) ? values[i] : sortedCurrent[j];
            if (i < values.Length && values[i] == x)
            {
                cr += counts[i++];
            }

            while (j < sortedCurrent.Length && sortedCurrent[j] == x)
            {
                cc++;
                j++;
            }

            d = Math.Max(d, Math.Abs(cr / nR - cc / nC));
        }

        return d;
    }

    /// <summary>D for two raw samples (copied, then sorted).</summary>
    public static double Statistic(ReadOnlySpan<double> reference, ReadOnlySpan<double> current) =>
        Statistic(EmpiricalDistribution.FromSample(reference.ToArray()), EmpiricalDistribution.FromSample(current.ToArray()));

    public static KsResult Test(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, KsMode mode = KsMode.Auto) =>
        Test(EmpiricalDistribution.FromSample(reference.ToArray()), EmpiricalDistribution.FromSample(current.ToArray()), mode);

    public static KsResult Test(EmpiricalDistribution reference, EmpiricalDistribution current, KsMode mode = KsMode.Auto) =>
        PValue(Statistic(reference, current), reference.Total, current.Total, mode);

    /// <summary>The two-sided p-value of an observed D for sample sizes n1 and n2.</summary>
    public static KsResult PValue(double d, long n1, long n2, KsMode mode = KsMode.Auto)
    {
        if (n1 < 1 || n2 < 1)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        long g = Gcd(n1, n2);
        if (mode == KsMode.Auto)
        {
            mode = Math.Max(n1, n2) <= MaxAutoExactN ? KsMode.Exact : KsMode.Asymptotic;
        }
        else if (mode == KsMode.Exact && n1 / g >= int.MaxValue / (double)(n2 / g))
        {
            mode = KsMode.Asymptotic;
        }

        if (mode == KsMode.Exact && TryExact(n1, n2, g, d) is { } exact)
        {
            return exact;
        }

        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        double en = m * n / (m + n);
        return new KsResult(d, Math.Clamp(KsTwoSf(d, Math.Max(1, (long)Math.Round(en))), 0, 1), false);
    }

    private static KsResult? TryExact(long n1, long n2, long g, double d)
    {
        long lcm = n1 / g * n2;
        long h = (long)Math.Round(d * lcm);
        d = (double)h / lcm;
        if (h == 0)
        {
            return new KsResult(d, 1, true);
        }

        double p = n1 == n2 ? OutsideSquare(n1, h) : OuterProbabilityInside(n1, n2, g, h);
        return p is >= 0 and <= 1 ? new KsResult(d, p, true) : null;
    }

    /// <summary>
    /// P(D_{n,n} ≥ h/n) = 2 Σ_{k≥1} (−1)^{k−1} C(2n, n − kh) / C(2n, n), by SciPy's Horner-style product
    /// (no subtractive cancellation).
    /// </summary>
    internal static double OutsideSquare(long n, long h)
    {
        double p = 0;
        for (long k = n / h; k >= 0; k--)
        {
            double p1 = 1;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
            }

            p = p1 * (1 - p);
        }

        return 2 * p;
    }

    /// <summary>
    /// The share of lattice paths from (0, 0) to (m, n) that leave the band |x/m − y/n| &lt; h / lcm(m, n): Hodges' inside
    /// method carried as 1 − p (Viehmann 2021), one sliding column at a time.
    /// </summary>
    internal static double OuterProbabilityInside(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        long mg = m / g, ng = n / g;
        long minj = 0, maxj = Math.Min(CeilDiv(h, mg), n + 1);
        long curlen = maxj - minj;
        long lenA = Math.Min(2 * maxj + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        Array.Fill(a, 0.0, 0, (int)maxj);
        for (long i = 1; i <= m; i++)
        {
            long lastminj = minj, lastlen = curlen;
            minj = Math.Max(FloorDiv(ng * i - h, mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = Math.Min(CeilDiv(ng * i + h, mg), n + 1);
            if (maxj <= minj)
            {
                return 1;
            }

            double val = minj == 0 ? 0 : 1;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                long j = jj + minj;
                val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
                a[jj] = val;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                Array.Fill(a, 1.0, (int)(maxj - minj), (int)(lastlen - curlen));
            }
        }

        return a[maxj - minj - 1];
    }

    /// <summary>
    /// <c>scipy.stats.kstwo.sf(x, n)</c>: P(D_n ≥ x) for the two-sided one-sample statistic, by the method SciPy picks
    /// (Ruben–Gambino ends, 2 × Smirnov's exact one-sided tail, the Durbin matrix in Marsaglia–Tsang–Wang's form, or
    /// Pelz–Good's expansion for large n).
    /// </summary>
    public static double KsTwoSf(double x, long n)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive.");
        }

        if (x >= 1)
        {
            return 0;
        }

        if (x <= 0)
        {
            return 1;
        }

        double t = n * x;
        if (t <= 1)
        {
            if (t <= 0.5)
            {
                return 1;
            }

            double cdf = n <= 140 ? RubenGambinoProduct(n, t) : Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            return Clip(1 - cdf);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1 - x, n));
        }

        if (x >= 0.5)
        {
            return Clip(2 * SmirnovSf(n, x));
        }

        double nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 4)
            {
                // SciPy uses Pomeranz between 0.754693 and 4; the Durbin matrix is exact there too.
                return Clip(1 - DurbinMatrixCdf(n, x));
            }

            return Clip(2 * SmirnovSf(n, x));
        }

        if (nxSquared >= 370)
        {
            return 0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * SmirnovSf(n, x));
        }

        double cdfProb = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 ? DurbinMatrixCdf(n, x) : PelzGoodCdf(n, x);
        return Clip(1 - cdfProb);
    }

    /// <summary>Kolmogorov's limiting tail Q(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2 j² λ²}.</summary>
    public static double KolmogorovQ(double lambda)
    {
        if (lambda <= 0)
        {
            return 1;
        }

        if (lambda < 1.18)
        {
            // The theta-function form converges fast for small λ: P(K ≤ λ) = √(2π)/λ Σ e^{−(2j−1)² π² / (8 λ²)}.
            double sum = 0;
            for (int j = 1; j <= 20; j++)
            {
                sum += Math.Exp(-(2 * j - 1) * (2 * j - 1) * Math.PI * Math.PI / (8 * lambda * lambda));
            }

            return Clip(1 - Math.Sqrt(2 * Math.PI) / lambda * sum);
        }

        double q = 0;
        for (int j = 1; j <= 100; j++)
        {
            double term = Math.Exp(-2.0 * j * j * lambda * lambda);
            q += (j % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-300)
            {
                break;
            }
        }

        return Clip(q);
    }

    /// <summary>
    /// Smirnov's one-sided tail P(D_n⁺ ≥ x) by the Birnbaum–Tingey sum
    /// x Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^{n−j} (x + j/n)^{j−1}, summed in logs (all terms are positive).
    /// </summary>
    public static double SmirnovSf(long n, double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        if (x >= 1)
        {
            return 0;
        }

        if (n == 1)
        {
            return 1 - x;
        }

        long last = (long)Math.Floor(n * (1 - x));
        var logs = new double[last + 1];
        // ln C(n, j) by a running sum, compensated (Neumaier): over a million terms the plain sum loses 1e-8.
        double logBinomial = 0, compensation = 0, max = double.NegativeInfinity;
        int count = 0;
        for (long j = 0; j <= last; j++)
        {
            if (j > 0)
            {
                double term = Math.Log((double)(n - j + 1) / j), next = logBinomial + term;
                compensation += Math.Abs(logBinomial) >= Math.Abs(term) ? (logBinomial - next) + term : (term - next) + logBinomial;
                logBinomial = next;
            }

            double low = 1 - x - (double)j / n;
            if (low <= 0)
            {
                break;
            }

            double log = logBinomial + compensation + (n - j) * Math.Log(low) + (j - 1) * Math.Log(x + (double)j / n);
            logs[count++] = log;
            max = Math.Max(max, log);
        }

        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += Math.Exp(logs[i] - max);
        }

        return Clip(x * sum * Math.Exp(max));
    }

    /// <summary>P(D_n ≤ d) by the Durbin matrix (Marsaglia, Tsang and Wang 2003), as SciPy's <c>_kolmogn_DMTW</c>.</summary>
    internal static double DurbinMatrixCdf(long n, double d)
    {
        if (d >= 1)
        {
            return 1;
        }

        double nd = n * d;
        if (nd <= 0.5)
        {
            return 0;
        }

        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = 2 * k - 1;
        var v = new double[m];
        var w = new double[m];
        double fac = 1;
        for (int j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1 - Math.Pow(h, j)) * fac;
        }

        double tt = Math.Pow(Math.Max(2 * h - 1, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1 + tt) * fac;

        var hm = new double[m, m];
        for (int i = 1; i < m; i++)
        {
            for (int r = i - 1; r < m; r++)
            {
                hm[r, i] = w[r - i + 1];
            }
        }

        for (int r = 0; r < m; r++)
        {
            hm[r, 0] = v[r];
        }

        for (int c = 0; c < m; c++)
        {
            hm[m - 1, c] = v[m - 1 - c];
        }

        var power = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            power[i, i] = 1;
        }

        const double scale = 3.402823669209385e38; // 2^128
        long nn = n;
        int exponent = 0, hExponent = 0;
        while (nn > 0)
        {
            if (nn % 2 == 1)
            {
                power = Multiply(power, hm);
                exponent += hExponent;
            }

            hm = Multiply(hm, hm);
            hExponent *= 2;
            if (Math.Abs(hm[k - 1, k - 1]) > scale)
            {
                Scale(hm, 1 / scale);
                hExponent += 128;
            }

            nn /= 2;
        }

        double p = power[k - 1, k - 1];
        for (long i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < 1 / scale)
            {
                p *= scale;
                exponent -= 128;
            }
        }

        return Clip(exponent != 0 ? Math.ScaleB(p, exponent) : p);
    }

    /// <summary>Pelz–Good's asymptotic expansion of P(D_n ≤ x), as SciPy's <c>_kolmogn_PelzGood</c>.</summary>
    internal static double PelzGoodCdf(long n, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        double z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        double qlog = -pi2 / 8 / z2;
        if (qlog < -708)
        {
            return 0;
        }

        double q = Math.Exp(qlog);
        double k1a = -z2, k1b = pi2 / 4;
        double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
        double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16, k3b = pi2 * (135 * z4 - 96 * z6) / 4;
        double k3a = -30 * z6 - 90 * Math.Pow(z, 8);
        double k0 = 0, kk1 = 0, kk2 = 0, kk3 = 0;
        int maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (int k = maxk; k >= 1; k--)
        {
            double mm = 2 * k - 1, m2 = mm * mm, m4 = m2 * m2, m6 = m4 * m2;
            double qpower = Math.Pow(q, 8 * k);
            k0 = k0 * qpower + 1;
            kk1 = kk1 * qpower + (k1a + k1b * m2);
            kk2 = kk2 * qpower + (k2a + k2b * m2 + k2c * m4);
            kk3 = kk3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }

        double sqrt2Pi = Math.Sqrt(2 * Math.PI);
        k0 *= q * sqrt2Pi / z;
        kk1 *= q * sqrt2Pi / (6 * z4);
        kk2 *= q * sqrt2Pi / (72 * Math.Pow(z, 7));
        kk3 *= q * sqrt2Pi / (6480 * Math.Pow(z, 10));

        double q2 = Math.Exp(-pi2 / 2 / z2), sqrt3z = Math.Sqrt(3) * z, k2extra = 0, k3extra = 0;
        for (int k = maxk; k >= 1; k--)
        {
            double ks = (double)k * k, qp = Math.Pow(q2, ks), kspi = Math.PI * k;
            k2extra += ks * qp;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks * qp;
        }

        kk2 += k2extra * pi2 * sqrt2Pi / (-36 * z3);
        kk3 += k3extra * pi2 * sqrt2Pi / (216 * z6);
        return k0 + kk1 / Math.Sqrt(n) + kk2 / n + kk3 / Math.Pow(n, 1.5);
    }

    private static double RubenGambinoProduct(long n, double t)
    {
        double p = 1;
        for (long i = 1; i <= n; i++)
        {
            p *= i * (1.0 / n) * (2 * t - 1);
        }

        return p;
    }

    /// <summary>ln(n! / nⁿ) by Stirling's series (SciPy's <c>_log_nfactorial_div_n_pow_n</c>).</summary>
    private static double LogFactorialOverPower(long n)
    {
        double[] coefficients =
        [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
            -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ];
        double rn = 1.0 / n, x = rn / n, poly = 0;
        foreach (double c in coefficients)
        {
            poly = poly * x + c;
        }

        return Math.Log(n) / 2 - n + Math.Log(2 * Math.PI) / 2 + rn * poly;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int m = a.GetLength(0);
        var result = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int k = 0; k < m; k++)
            {
                double aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (int j = 0; j < m; j++)
                {
                    result[i, j] += aik * b[k, j];
                }
            }
        }

        return result;
    }

    private static void Scale(double[,] a, double factor)
    {
        int m = a.GetLength(0);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                a[i, j] *= factor;
            }
        }
    }

    private static double Clip(double p) => double.IsNaN(p) ? p : Math.Clamp(p, 0, 1);

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
