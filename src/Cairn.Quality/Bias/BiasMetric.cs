namespace Cairn.Quality.Bias;

/// <summary>
/// One computed bias metric with its fair value and the range in which it passes. A value outside
/// [<see cref="Lower"/>, <see cref="Upper"/>] (or NaN) is flagged.
/// </summary>
public sealed record BiasMetric(string Code, string Name, double Value, double FairValue, double Lower, double Upper, string Description)
{
    public bool Flagged => !double.IsInfinity(Upper) && (double.IsNaN(Value) || Value < Lower || Value > Upper);

    public string Rule => double.IsInfinity(Upper) ? "informational" : double.IsNegativeInfinity(Lower) ? $"≤ {Upper}" : Lower == -Upper ? $"|value| ≤ {Upper}" : $"between {Lower} and {Upper}";

    internal static BiasMetric Signed(string code, string name, double value, double limit, string description) =>
        new(code, name, value, 0, -limit, limit, description);

    /// <summary>A metric reported without a pass rule.</summary>
    internal static BiasMetric Informational(string code, string name, double value, string description) =>
        new(code, name, value, 0, double.NegativeInfinity, double.PositiveInfinity, description);

    internal static BiasMetric NonNegative(string code, string name, double value, double limit, string description) =>
        new(code, name, value, 0, double.NegativeInfinity, limit, description);
}
