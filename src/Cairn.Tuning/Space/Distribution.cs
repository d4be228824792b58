using System.Globalization;

namespace Cairn.Tuning.Space;

/// <summary>
/// The range of one parameter. Samplers work on an internal number: the value itself for numbers, the choice index for
/// categories; <see cref="ToExternal"/> turns it back into what the objective sees.
/// </summary>
public abstract record Distribution
{
    /// <summary>Whether <paramref name="internalValue"/> is a value this distribution can produce.</summary>
    public abstract bool Contains(double internalValue);

    public abstract object? ToExternal(double internalValue);

    /// <summary>The internal number of an external value, or null when it does not belong to the range.</summary>
    public abstract double? ToInternal(object? value);

    /// <summary>Rounds to the step and clamps into the range.</summary>
    public abstract double Snap(double internalValue);
}

/// <summary>A real number in [low, high]; log-uniform when <see cref="Log"/>; multiples of <see cref="Step"/> above low when given.</summary>
public sealed record FloatDistribution : Distribution
{
    public FloatDistribution(double low, double high, bool log = false, double? step = null)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
        {
            throw new ArgumentException($"A float range needs finite low ≤ high (got {low}, {high}).");
        }

        if (log && low <= 0)
        {
            throw new ArgumentException($"A log range needs low > 0 (got {low}).");
        }

        if (step is { } s && (s <= 0 || log))
        {
            throw new ArgumentException("A float step must be positive and cannot be combined with log.");
        }

        (Low, High, Log, Step) = (low, step is { } st ? low + Math.Floor((high - low) / st + 1e-9) * st : high, log, step);
    }

    public double Low { get; }

    public double High { get; }

    public bool Log { get; }

    public double? Step { get; }

    public override bool Contains(double internalValue) => internalValue >= Low && internalValue <= High;

    public override object? ToExternal(double internalValue) => internalValue;

    public override double? ToInternal(object? value) =>
        value is IConvertible c && Convert.ToDouble(c, CultureInfo.InvariantCulture) is var d && Contains(d) ? d : null;

    public override double Snap(double internalValue)
    {
        var value = Step is { } s ? Low + Math.Round((internalValue - Low) / s) * s : internalValue;
        return Math.Clamp(value, Low, High);
    }
}

/// <summary>An integer in [low, high] in steps of <see cref="Step"/>; log-uniform when <see cref="Log"/> (step 1 only).</summary>
public sealed record IntDistribution : Distribution
{
    public IntDistribution(long low, long high, long step = 1, bool log = false)
    {
        if (low > high || step < 1)
        {
            throw new ArgumentException($"An int range needs low ≤ high and step ≥ 1 (got {low}, {high}, step {step}).");
        }

        if (log && (low < 1 || step != 1))
        {
            throw new ArgumentException("A log int range needs low ≥ 1 and step 1.");
        }

        (Low, High, Step, Log) = (low, low + (high - low) / step * step, step, log);
    }

    public long Low { get; }

    public long High { get; }

    public long Step { get; }

    public bool Log { get; }

    public override bool Contains(double internalValue) =>
        internalValue >= Low && internalValue <= High && Math.Abs((internalValue - Low) / Step - Math.Round((internalValue - Low) / Step)) < 1e-9;

    public override object? ToExternal(double internalValue) => (long)Math.Round(internalValue);

    public override double? ToInternal(object? value) =>
        value is IConvertible c && Convert.ToDouble(c, CultureInfo.InvariantCulture) is var d && Contains(d) ? d : null;

    public override double Snap(double internalValue) =>
        Math.Clamp(Low + Math.Round((internalValue - Low) / Step) * Step, Low, High);
}

/// <summary>One of a list of choices (text, numbers, booleans or null); the internal number is the choice's index.</summary>
public sealed record CategoricalDistribution : Distribution
{
    public CategoricalDistribution(IReadOnlyList<object?> choices)
    {
        if (choices.Count == 0)
        {
            throw new ArgumentException("A categorical parameter needs at least one choice.");
        }

        Choices = choices;
    }

    public IReadOnlyList<object?> Choices { get; }

    public override bool Contains(double internalValue) => internalValue >= 0 && internalValue < Choices.Count && internalValue == Math.Floor(internalValue);

    public override object? ToExternal(double internalValue) => Choices[(int)internalValue];

    public override double? ToInternal(object? value)
    {
        for (var i = 0; i < Choices.Count; i++)
        {
            if (Equals(Choices[i], value) || (Choices[i] is IConvertible a && value is IConvertible b
                && string.Equals(Convert.ToString(a, CultureInfo.InvariantCulture), Convert.ToString(b, CultureInfo.InvariantCulture), StringComparison.Ordinal)))
            {
                return i;
            }
        }

        return null;
    }

    public override double Snap(double internalValue) => Math.Clamp(Math.Round(internalValue), 0, Choices.Count - 1);

    public bool Equals(CategoricalDistribution? other) => other is not null && Choices.SequenceEqual(other.Choices);

    public override int GetHashCode() => Choices.Count;
}
