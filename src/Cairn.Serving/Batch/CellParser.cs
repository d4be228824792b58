using System.Globalization;
using Cairn.Models.Data;

namespace Cairn.Serving.Batch;

/// <summary>
/// Reads one text cell into a typed array slot without allocating for numbers. An empty float or double cell is a
/// missing value (NaN, which ML.NET models treat as missing); an empty cell of another type is an error.
/// </summary>
internal static class CellParser
{
    public static bool TryParse(ReadOnlySpan<char> cell, DataType type, Array target, int index, out string? error)
    {
        error = null;
        var text = cell.Trim();
        switch (type)
        {
            case DataType.Float:
                if (text.IsEmpty || IsNaN(text))
                {
                    ((float[])target)[index] = float.NaN;
                    return true;
                }

                if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
                {
                    ((float[])target)[index] = f;
                    return true;
                }

                break;
            case DataType.Double:
                if (text.IsEmpty || IsNaN(text))
                {
                    ((double[])target)[index] = double.NaN;
                    return true;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    ((double[])target)[index] = d;
                    return true;
                }

                break;
            case DataType.Integer:
                if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
                {
                    ((int[])target)[index] = i;
                    return true;
                }

                break;
            case DataType.Long:
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    ((long[])target)[index] = l;
                    return true;
                }

                break;
            case DataType.Boolean:
                if (TryBoolean(text, out var b))
                {
                    ((bool[])target)[index] = b;
                    return true;
                }

                break;
            case DataType.String:
                ((string?[])target)[index] = cell.ToString();
                return true;
            case DataType.DateTime:
                if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t))
                {
                    ((DateTime[])target)[index] = t;
                    return true;
                }

                break;
            case DataType.Binary:
                var bytes = new byte[(text.Length * 3 / 4) + 3];
                if (Convert.TryFromBase64Chars(text, bytes, out var written))
                {
                    ((byte[][])target)[index] = bytes[..written];
                    return true;
                }

                break;
        }

        error = text.IsEmpty ? $"a {type.WireName()} is missing" : $"'{Shorten(text)}' is not a {type.WireName()}";
        return false;
    }

    private static bool IsNaN(ReadOnlySpan<char> text) => text.Equals("nan", StringComparison.OrdinalIgnoreCase) || text.Equals("NA", StringComparison.Ordinal);

    private static bool TryBoolean(ReadOnlySpan<char> text, out bool value)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("1"))
        {
            value = true;
            return true;
        }

        value = false;
        return text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("0");
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..37], "...");
}
