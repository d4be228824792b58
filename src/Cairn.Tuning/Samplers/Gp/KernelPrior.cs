namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// Log prior of the GP hyperparameters θ = (log ℓ₁…log ℓ_d, log σ²_f, log σ²_n), the shapes Optuna's GP sampler uses
/// (up to constants): −0.1·(λₖ + 1/λₖ) on each inverse squared length scale λₖ = 1/ℓₖ² (peaked at ℓ = 1, the width of the
/// unit box, so a handful of points cannot shrink a length scale to fit one bump), Gamma(2, 1) on the signal variance and
/// Gamma(1.1, 30) on the noise variance. Maximising likelihood plus prior (MAP) instead of the likelihood alone keeps the
/// model smooth early in a study, when the likelihood is nearly flat in the length scales.
/// </summary>
internal static class KernelPrior
{
    /// <summary>The log prior at θ; its gradient with respect to θ is added to <paramref name="gradient"/> when given.</summary>
    public static double Log(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        var d = theta.Length - 2;
        var value = 0.0;
        for (var k = 0; k < d; k++)
        {
            // λ = e^(−2θ), 1/λ = e^(2θ).
            var (up, down) = (Math.Exp(2 * theta[k]), Math.Exp(-2 * theta[k]));
            value -= 0.1 * (up + down);
            if (!gradient.IsEmpty)
            {
                gradient[k] -= 0.2 * (up - down);
            }
        }

        // Gamma(a, b) in log space: (a − 1)·θ − b·e^θ.
        var signal = Math.Exp(theta[d]);
        var noise = Math.Exp(theta[d + 1]);
        value += theta[d] - signal + 0.1 * theta[d + 1] - 30 * noise;
        if (!gradient.IsEmpty)
        {
            gradient[d] += 1 - signal;
            gradient[d + 1] += 0.1 - 30 * noise;
        }

        return value;
    }
}
