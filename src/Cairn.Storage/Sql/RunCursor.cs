using System.Globalization;
using System.Text;
using Cairn.Core;

namespace Cairn.Storage.Sql;

/// <summary>
/// Where a page of the runs table ends, so the next page starts there by key instead of skipping rows with OFFSET.
/// A metric sort walks three stretches in turn (<see cref="Phase"/>: 0 real values, 1 NaN, 2 runs without the
/// metric) and remembers the last value and run key, or in the last stretch (which follows the default order) the
/// last start time and run id; the default order remembers the last start time and run id; any other order falls
/// back to an offset.
/// </summary>
internal sealed record RunCursor(char Kind, int Phase, double Value, long RunKey, long? StartTime, string? RunUuid, long Offset)
{
    public const char Metric = 'm';
    public const char Started = 's';
    public const char Offsets = 'o';

    public static RunCursor ForMetric(int phase, double value, long runKey) => new(Metric, phase, value, runKey, null, null, 0);

    public static RunCursor ForMissingMetric(long? startTime, string runUuid) => new(Metric, 2, 0, 0, startTime, runUuid, 0);

    public static RunCursor ForStart(long? startTime, string runUuid) => new(Started, 0, 0, 0, startTime, runUuid, 0);

    public static RunCursor ForOffset(long offset) => new(Offsets, 0, 0, 0, null, null, offset);

    public string Encode()
    {
        var text = Kind switch
        {
            Metric when Phase == 2 => string.Create(CultureInfo.InvariantCulture, $"m|2|{StartTime?.ToString(CultureInfo.InvariantCulture) ?? ""}|{RunUuid}"),
            Metric => string.Create(CultureInfo.InvariantCulture, $"m|{Phase}|{BitConverter.DoubleToInt64Bits(Value)}|{RunKey}"),
            Started => string.Create(CultureInfo.InvariantCulture, $"s|{StartTime?.ToString(CultureInfo.InvariantCulture) ?? ""}|{RunUuid}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"o|{Offset}"),
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The cursor a token names, or null for the first page; a token of another order is refused.</summary>
    public static RunCursor? Decode(string? token, char expectedKind)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var parts = TryText(token)?.Split('|');
        var cursor = parts switch
        {
            ["m", "2", var start, var uuid] when start.Length == 0 || long.TryParse(start, CultureInfo.InvariantCulture, out _)
                => ForMissingMetric(start.Length == 0 ? null : long.Parse(start, CultureInfo.InvariantCulture), uuid),
            ["m", var phase, var bits, var runKey] when int.TryParse(phase, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1
                && long.TryParse(bits, CultureInfo.InvariantCulture, out var b) && long.TryParse(runKey, CultureInfo.InvariantCulture, out var k)
                => ForMetric(p, BitConverter.Int64BitsToDouble(b), k),
            ["s", var start, var uuid] when start.Length == 0 || long.TryParse(start, CultureInfo.InvariantCulture, out _)
                => ForStart(start.Length == 0 ? null : long.Parse(start, CultureInfo.InvariantCulture), uuid),
            ["o", var offset] when long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var o) => ForOffset(o),
            _ => null,
        };
        return cursor is not null && cursor.Kind == expectedKind
            ? cursor
            : throw CairnException.InvalidParameter("Invalid page token: it belongs to another search or order. Start again from the first page.");
    }

    private static string? TryText(string token)
    {
        var bytes = new byte[token.Length];
        return token.Length <= 400 && Convert.TryFromBase64String(token, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : null;
    }
}
