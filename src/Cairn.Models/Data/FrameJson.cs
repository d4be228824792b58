using System.Globalization;
using System.Text.Json;
using Cairn.Models.Package;

namespace Cairn.Models.Data;

/// <summary>
/// Frames as pandas' "split" JSON (<c>{"columns": [...], "data": [[...], ...]}</c>), the form of MLflow's input examples and
/// of <c>dataframe_split</c> scoring requests. Reading converts each value to its column's signature type and names the
/// column and row of any value that does not fit.
/// </summary>
public static class FrameJson
{
    public static void WriteSplit(Utf8JsonWriter writer, Frame frame)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("columns");
        foreach (var column in frame.Columns)
        {
            writer.WriteStringValue(column.Name);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("data");
        for (var row = 0; row < frame.RowCount; row++)
        {
            writer.WriteStartArray();
            foreach (var column in frame.Columns)
            {
                WriteValue(writer, column[row]);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static string ToSplitJson(Frame frame)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSplit(writer, frame);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads split JSON; with a schema, columns take the schema's types and missing required columns are an error.</summary>
    public static Frame ReadSplit(JsonElement split, IReadOnlyList<ColumnSpec>? schema = null)
    {
        if (split.ValueKind != JsonValueKind.Object || !split.TryGetProperty("columns", out var columnsJson) || columnsJson.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("Expected {\"columns\": [...], \"data\": [[...], ...]}.");
        }

        var names = columnsJson.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : c.ToString()).ToList();
        var rows = split.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToList() : [];
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].ValueKind != JsonValueKind.Array || rows[r].GetArrayLength() != names.Count)
            {
                throw new FormatException($"Row {r} must be an array of {names.Count} values.");
            }
        }

        var columns = new List<Column>();
        for (var c = 0; c < names.Count; c++)
        {
            var spec = schema?.FirstOrDefault(s => s.Name == names[c]);
            var values = rows.Select(row => row[c]).ToList();
            columns.Add(ReadColumn(names[c], values, spec));
        }

        if (schema is not null)
        {
            var missing = schema.Where(s => s.Required && s.Name is not null && !names.Contains(s.Name)).Select(s => s.Name!).ToList();
            if (missing.Count > 0)
            {
                throw new FormatException($"Missing required input column{(missing.Count > 1 ? "s" : "")}: {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
            }
        }

        return new Frame(columns);
    }

    /// <summary>One column from JSON values: the spec's type when given, else inferred (number → double, else string or boolean).</summary>
    public static Column ReadColumn(string name, IReadOnlyList<JsonElement> values, ColumnSpec? spec)
    {
        var type = spec?.Type ?? Infer(values);
        var isArray = spec?.IsArray ?? values.Any(v => v.ValueKind == JsonValueKind.Array);
        if (isArray)
        {
            var rows = Array.CreateInstance(type.ClrType().MakeArrayType(), values.Count);
            for (var r = 0; r < values.Count; r++)
            {
                if (values[r].ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"Column '{name}' expects an array of {type.WireName()} values; row {r} has {Describe(values[r])}.");
                }

                var items = values[r].EnumerateArray().ToList();
                var typed = Array.CreateInstance(type.ClrType(), items.Count);
                for (var i = 0; i < items.Count; i++)
                {
                    typed.SetValue(Convert(name, r, items[i], type), i);
                }

                rows.SetValue(typed, r);
            }

            return new Column(name, type, rows, isArray: true);
        }

        var array = Array.CreateInstance(type.ClrType(), values.Count);
        for (var r = 0; r < values.Count; r++)
        {
            array.SetValue(Convert(name, r, values[r], type), r);
        }

        return new Column(name, type, array);
    }

    private static DataType Infer(IReadOnlyList<JsonElement> values)
    {
        var sample = values.Select(v => v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().FirstOrDefault() : v)
            .FirstOrDefault(v => v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined));
        return sample.ValueKind switch
        {
            JsonValueKind.Number => DataType.Double,
            JsonValueKind.True or JsonValueKind.False => DataType.Boolean,
            _ => DataType.String,
        };
    }

    private static object? Convert(string column, int row, JsonElement value, DataType type)
    {
        var fits = type switch
        {
            DataType.Double => Number(value, out var d) ? d : (object?)null,
            DataType.Float => Number(value, out var f) && (Math.Abs(f) <= float.MaxValue || double.IsInfinity(f) || double.IsNaN(f)) ? (float)f : null,
            DataType.Long => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) ? l : null,
            DataType.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : null,
            DataType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null,
            DataType.String => value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => null,
            },
            DataType.Binary => value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out var bytes) ? bytes : null,
            DataType.DateTime => value.ValueKind == JsonValueKind.String && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null,
            _ => null,
        };
        if (fits is null && !(type == DataType.String && value.ValueKind == JsonValueKind.Null))
        {
            throw new FormatException($"Column '{column}' expects {type.WireName()} values; row {row} has {Describe(value)}.");
        }

        return fits;
    }

    /// <summary>Numbers, plus the NaN and infinity spellings MLflow clients send as strings.</summary>
    private static bool Number(JsonElement value, out double number)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            number = value.GetDouble();
            return true;
        }

        number = value.ValueKind == JsonValueKind.String ? value.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" or "inf" => double.PositiveInfinity,
            "-Infinity" or "-inf" => double.NegativeInfinity,
            _ => 0,
        } : 0;
        return value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "inf" or "-Infinity" or "-inf";
    }

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        return $"{value.ValueKind.ToString().ToLowerInvariant()} {(text.Length > 40 ? text[..40] + "…" : text)}";
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case float f: writer.WriteStringValue(NonFinite(f)); break;
            case double d: writer.WriteStringValue(NonFinite(d)); break;
            case string s: writer.WriteStringValue(s); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case DateTime t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case Array array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(System.Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}
