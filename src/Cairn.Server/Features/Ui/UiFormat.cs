using System.Globalization;

namespace Cairn.Server.Features.Ui;

/// <summary>How the UI writes times and numbers: UTC, invariant culture, short.</summary>
internal static class UiFormat
{
    public static string Time(long? unixMilliseconds) => unixMilliseconds is { } ms
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        : "—";

    public static string Duration(long? start, long? end)
    {
        if (start is null || end is null || end < start)
        {
            return "—";
        }

        var span = TimeSpan.FromMilliseconds(end.Value - start.Value);
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : span.TotalMinutes >= 1 ? $"{span.Minutes}m {span.Seconds}s" : $"{span.TotalSeconds:0.0}s";
    }

    public static string Number(double? value) => value switch
    {
        null => "—",
        double.NaN => "NaN",
        { } v when v != 0 && (Math.Abs(v) >= 1e6 || Math.Abs(v) < 1e-4) => v.ToString("0.####e+0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.######", CultureInfo.InvariantCulture),
    };

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
