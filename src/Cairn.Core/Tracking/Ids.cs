using System.Globalization;

namespace Cairn.Core.Tracking;

/// <summary>Experiment ids are decimal strings on the wire and integers in storage.</summary>
public readonly record struct ExperimentId(long Value)
{
    public static readonly ExperimentId Default = new(0);

    /// <summary>Parses a wire id; anything that is not a non-negative integer names no experiment.</summary>
    public static bool TryParse(string? text, out ExperimentId id)
    {
        if (text is { Length: > 0 and <= 19 } && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            id = new ExperimentId(value);
            return true;
        }

        id = default;
        return false;
    }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Run ids are 32 lowercase hex characters (a uuid4 without dashes).</summary>
public readonly record struct RunId(string Value)
{
    public static RunId New() => new(Guid.NewGuid().ToString("N"));

    public override string ToString() => Value;
}
