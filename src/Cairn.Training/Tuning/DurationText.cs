using System.Globalization;

namespace Cairn.Training.Tuning;

/// <summary>Durations as people write them in specs and flags: 90s, 10m, 1.5h.</summary>
public static class DurationText
{
    public static TimeSpan? TryParse(string text)
    {
        var unit = text.Length > 1 ? text[^1] : ' ';
        return double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => null }
            : null;
    }
}
