namespace Cairn.Quality.Bias;

/// <summary>SageMaker Clarify's arithmetic rules, so every metric treats empty cells the same way.</summary>
public static class ClarifyMath
{
    /// <summary>Clarify's <c>divide</c>: 0/0 = 0, x/0 = +∞ (−∞ when x &lt; 0).</summary>
    public static double Divide(double numerator, double denominator)
    {
        if (denominator == 0)
        {
            return numerator == 0 ? 0 : numerator < 0 ? double.NegativeInfinity : double.PositiveInfinity;
        }

        return numerator / denominator;
    }

    /// <summary>A difference of two ratios; two infinities of the same sign are equal, so their difference is 0 (not NaN).</summary>
    public static double Difference(double first, double second) =>
        double.IsInfinity(first) && first == second ? 0 : first - second;
}
