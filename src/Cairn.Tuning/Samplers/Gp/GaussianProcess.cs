namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// A Gaussian process over inputs in [0, 1]^d with kernel σ²_f·Matérn-5/2(ARD) + σ²_n·I, for outputs already standardised
/// (zero mean, unit variance). Hyperparameters maximise the log marginal likelihood (analytic gradient, a few starts of
/// <see cref="BoxLbfgs"/> in log space); the covariance is factorised by Cholesky, with jitter added only when needed.
/// </summary>
internal sealed class GaussianProcess
{
    // Log-space bounds: length scales from 1 % to 100× the unit box, signal variance around the standardised 1, noise from
    // the caller's minimum (near exact, for deterministic objectives) to half the output variance.
    private static readonly (double Low, double High) LogLengthScale = (Math.Log(0.01), Math.Log(100));
    private static readonly (double Low, double High) LogSignal = (Math.Log(0.05), Math.Log(20));
    private static readonly double MaxLogNoise = Math.Log(0.5);

    private readonly double[][] _x;
    private readonly double[] _cholesky;
    private readonly double[] _alpha;

    private GaussianProcess(double[][] x, double[] lengthScales, double signal, double noise, double[] cholesky, double[] alpha)
    {
        _x = x;
        LengthScales = lengthScales;
        SignalVariance = signal;
        NoiseVariance = noise;
        _cholesky = cholesky;
        _alpha = alpha;
    }

    public double[] LengthScales { get; }

    public double SignalVariance { get; }

    public double NoiseVariance { get; }

    /// <summary>A process with fixed hyperparameters conditioned on the observations.</summary>
    public static GaussianProcess Create(double[][] x, double[] y, double[] lengthScales, double signal, double noise)
    {
        var (cholesky, alpha, _) = Factorise(x, y, lengthScales, signal, noise);
        return new GaussianProcess(x, lengthScales, signal, noise, cholesky, alpha);
    }

    /// <summary>
    /// Fits the hyperparameters: one start at a neutral point plus <paramref name="restarts"/> random ones. With
    /// <paramref name="prior"/>, the fit maximises likelihood times <see cref="KernelPrior"/> (MAP); the noise variance
    /// stays at or above <paramref name="minimumNoise"/>.
    /// </summary>
    public static GaussianProcess Fit(double[][] x, double[] y, Random random, int restarts = 2, bool prior = false, double minimumNoise = 1e-10)
    {
        var d = x[0].Length;
        var lower = new double[d + 2];
        var upper = new double[d + 2];
        for (var k = 0; k < d; k++)
        {
            (lower[k], upper[k]) = LogLengthScale;
        }

        (lower[d], upper[d]) = LogSignal;
        (lower[d + 1], upper[d + 1]) = (Math.Log(Math.Clamp(minimumNoise, 1e-12, 1e-2)), MaxLogNoise);
        var best = new double[d + 2];
        var bestValue = double.PositiveInfinity;
        for (var start = 0; start <= restarts; start++)
        {
            var theta = new double[d + 2];
            for (var k = 0; k < d; k++)
            {
                theta[k] = start == 0 ? Math.Log(0.5) : Math.Log(0.05) + random.NextDouble() * (Math.Log(2) - Math.Log(0.05));
            }

            theta[d] = start == 0 ? 0 : Math.Log(0.3) + random.NextDouble() * (Math.Log(3) - Math.Log(0.3));
            theta[d + 1] = start == 0 ? Math.Log(1e-6) : Math.Log(1e-10) + random.NextDouble() * (Math.Log(1e-2) - Math.Log(1e-10));
            var (found, value) = BoxLbfgs.Minimize((t, g) => -LogPosterior(x, y, t, g, prior), theta, lower, upper);
            if (value < bestValue || start == 0)
            {
                (best, bestValue) = (found, value);
            }
        }

        return Create(x, y, best.Take(d).Select(Math.Exp).ToArray(), Math.Exp(best[d]), Math.Exp(best[d + 1]));
    }

    /// <summary>Log likelihood plus, when asked, the log prior; the gradient comes out negated, for a minimiser.</summary>
    private static double LogPosterior(double[][] x, double[] y, double[] theta, double[] negatedGradient, bool prior)
    {
        var value = LogMarginalLikelihood(x, y, theta, negatedGradient);
        if (prior)
        {
            value += KernelPrior.Log(theta, negatedGradient);
        }

        for (var k = 0; k < negatedGradient.Length; k++)
        {
            negatedGradient[k] = -negatedGradient[k];
        }

        return value;
    }

    /// <summary>
    /// log p(y | X, θ) = −½ yᵀK⁻¹y − ½ log|K| − (n/2) log 2π for θ = (log ℓ₁…log ℓ_d, log σ²_f, log σ²_n); the gradient
    /// with respect to θ is ½ tr((ααᵀ − K⁻¹) ∂K/∂θ).
    /// </summary>
    public static double LogMarginalLikelihood(double[][] x, double[] y, double[] theta, double[]? gradient = null)
    {
        var n = x.Length;
        var d = x[0].Length;
        var lengthScales = new double[d];
        for (var k = 0; k < d; k++)
        {
            lengthScales[k] = Math.Exp(theta[k]);
        }

        var signal = Math.Exp(theta[d]);
        var noise = Math.Exp(theta[d + 1]);
        var (cholesky, alpha, _) = Factorise(x, y, lengthScales, signal, noise);
        var value = -0.5 * Dot(y, alpha) - 0.5 * n * Math.Log(2 * Math.PI);
        for (var i = 0; i < n; i++)
        {
            value -= Math.Log(cholesky[i * n + i]);
        }

        if (gradient is null)
        {
            return value;
        }

        var inverse = InverseFromCholesky(cholesky, n);
        Array.Clear(gradient);
        for (var i = 0; i < n; i++)
        {
            var wii = alpha[i] * alpha[i] - inverse[i * n + i];
            gradient[d] += 0.5 * wii * signal;
            gradient[d + 1] += 0.5 * wii * noise;
            for (var j = 0; j < i; j++)
            {
                // Off-diagonal pairs count twice (K is symmetric), which cancels the ½.
                var w = alpha[i] * alpha[j] - inverse[i * n + j];
                var r = MaternKernel.ScaledDistance(x[i], x[j], lengthScales);
                gradient[d] += w * signal * MaternKernel.Correlation(r);
                var factor = w * signal * MaternKernel.LengthScaleFactor(r);
                for (var k = 0; k < d; k++)
                {
                    var scaled = (x[i][k] - x[j][k]) / lengthScales[k];
                    gradient[k] += factor * scaled * scaled;
                }
            }
        }

        return value;
    }

    /// <summary>Posterior mean and variance of the latent function (noise excluded) at one point.</summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point)
    {
        var n = _x.Length;
        Span<double> v = n <= 512 ? stackalloc double[n] : new double[n];
        var mean = 0.0;
        for (var i = 0; i < n; i++)
        {
            v[i] = SignalVariance * MaternKernel.Correlation(MaternKernel.ScaledDistance(point, _x[i], LengthScales));
            mean += v[i] * _alpha[i];
        }

        // v = L⁻¹k*, so kᵀK⁻¹k = v·v.
        var explained = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = i * n;
            v[i] = (v[i] - DenseMath.Dot(_cholesky.AsSpan(row, i), v[..i])) / _cholesky[row + i];
            explained += v[i] * v[i];
        }

        return (mean, Math.Max(SignalVariance - explained, 1e-12 * SignalVariance));
    }

    /// <summary>The same hyperparameters conditioned on more observations (pending trials at a lied value).</summary>
    public GaussianProcess With(double[][] x, double[] y) =>
        Create([.. _x, .. x], [.. Observed(), .. y], LengthScales, SignalVariance, NoiseVariance);

    private double[] Observed()
    {
        // y = Kα; rebuilt rather than stored twice.
        var n = _x.Length;
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var k = SignalVariance * MaternKernel.Correlation(MaternKernel.ScaledDistance(_x[i], _x[j], LengthScales));
                y[i] += (i == j ? k + NoiseVariance : k) * _alpha[j];
            }
        }

        return y;
    }

    private static (double[] Cholesky, double[] Alpha, double Jitter) Factorise(double[][] x, double[] y, double[] lengthScales, double signal, double noise)
    {
        var n = x.Length;
        var covariance = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            covariance[i * n + i] = signal + noise;
            for (var j = 0; j < i; j++)
            {
                covariance[i * n + j] = covariance[j * n + i] = signal * MaternKernel.Correlation(MaternKernel.ScaledDistance(x[i], x[j], lengthScales));
            }
        }

        // Near-duplicate inputs with tiny noise make K singular in floating point; add the least jitter that works.
        var factor = new double[n * n];
        for (var jitter = 0.0; ; jitter = jitter == 0 ? 1e-10 * signal : jitter * 10)
        {
            Array.Copy(covariance, factor, covariance.Length);
            for (var i = 0; i < n; i++)
            {
                factor[i * n + i] += jitter;
            }

            if (TryCholesky(factor, n))
            {
                return (factor, Solve(factor, n, y), jitter);
            }

            if (jitter > signal)
            {
                throw new InvalidOperationException("The GP covariance is not positive definite even with jitter.");
            }
        }
    }

    /// <summary>In-place lower Cholesky factor (row-major); false when the matrix is not positive definite.</summary>
    internal static bool TryCholesky(double[] a, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = j * n;
            var sum = a[rowJ + j] - DenseMath.Dot(a.AsSpan(rowJ, j), a.AsSpan(rowJ, j));

            if (!(sum > 0))
            {
                return false;
            }

            var diagonal = Math.Sqrt(sum);
            a[rowJ + j] = diagonal;
            for (var i = j + 1; i < n; i++)
            {
                var rowI = i * n;
                a[rowI + j] = (a[rowI + j] - DenseMath.Dot(a.AsSpan(rowI, j), a.AsSpan(rowJ, j))) / diagonal;
            }

            for (var k = j + 1; k < n; k++)
            {
                a[rowJ + k] = 0;
            }
        }

        return true;
    }

    /// <summary>Solves LLᵀx = b.</summary>
    private static double[] Solve(double[] l, int n, double[] b)
    {
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[i * n + k] * z[k];
            }

            z[i] = sum / l[i * n + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var sum = z[i];
            for (var k = i + 1; k < n; k++)
            {
                sum -= l[k * n + i] * z[k];
            }

            z[i] = sum / l[i * n + i];
        }

        return z;
    }

    /// <summary>
    /// K⁻¹ = L⁻ᵀL⁻¹, needed for the gradient's trace term. M = L⁻¹ is built row by row (each row a combination of the
    /// rows above), then kept transposed so that every entry of K⁻¹ is a dot product of two contiguous rows.
    /// </summary>
    private static double[] InverseFromCholesky(double[] l, int n)
    {
        var m = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            var row = m.AsSpan(i * n, i + 1);
            row[i] = 1;
            for (var k = 0; k < i; k++)
            {
                DenseMath.SubtractScaled(row[..(k + 1)], l[i * n + k], m.AsSpan(k * n, k + 1));
            }

            var diagonal = l[i * n + i];
            for (var j = 0; j <= i; j++)
            {
                row[j] /= diagonal;
            }
        }

        var transposed = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                transposed[j * n + i] = m[i * n + j];
            }
        }

        var inverse = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                // (L⁻ᵀL⁻¹)ᵢⱼ = Σ_{k ≥ i} Mₖᵢ·Mₖⱼ for j ≤ i (M is lower triangular).
                inverse[i * n + j] = inverse[j * n + i] = DenseMath.Dot(transposed.AsSpan(i * n + i, n - i), transposed.AsSpan(j * n + i, n - i));
            }
        }

        return inverse;
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
