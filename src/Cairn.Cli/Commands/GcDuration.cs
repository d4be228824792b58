using System.Globalization;
using System.Text.RegularExpressions;

namespace Cairn.Cli.Commands;

/// <summary>Durations as <c>mlflow gc --older-than</c> writes them: <c>30d</c>, <c>12h</c>, <c>1d2h30m</c>, <c>45s</c>.</summary>
internal static partial class GcDuration
{
    public const string Help = "a duration such as 30d, 12h, 1d2h30m or 45s";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || text.Trim().Length == 0)
        {
            return false;
        }

        try
        {
            duration = TimeSpan.FromDays(Part(match, "d")) + TimeSpan.FromHours(Part(match, "h"))
                + TimeSpan.FromMinutes(Part(match, "m")) + TimeSpan.FromSeconds(Part(match, "s"));
            return true;
        }
        catch (Exception exception) when (exception is OverflowException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static long Part(Match match, string unit) =>
        match.Groups[unit].Success ? long.Parse(match.Groups[unit].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^(?:(?<d>\d{1,9})d)?(?:(?<h>\d{1,9})h)?(?:(?<m>\d{1,9})m)?(?:(?<s>\d{1,9})s)?$")]
    private static partial Regex Pattern();
}
