using System.Globalization;
using System.Text.Json;

namespace Cairn.Serving.Data;

/// <summary>Writes model outputs (typed arrays) as JSON: numbers as numbers, non-finite ones as MLflow's strings.</summary>
internal static class ValueJson
{
    /// <summary>One element of a typed array; an element that is itself an array (a vector column) is written as a list.</summary>
    public static void WriteElement(Utf8JsonWriter writer, Array data, int index)
    {
        switch (data)
        {
            case float[] a: WriteFloat(writer, a[index]); break;
            case double[] a: WriteDouble(writer, a[index]); break;
            case int[] a: writer.WriteNumberValue(a[index]); break;
            case long[] a: writer.WriteNumberValue(a[index]); break;
            case bool[] a: writer.WriteBooleanValue(a[index]); break;
            case string[] a: WriteString(writer, a[index]); break;
            case Array[] a: WriteRange(writer, a[index], 0, a[index].Length); break;
            default: WriteObject(writer, data.GetValue(index)); break;
        }
    }

    /// <summary><paramref name="count"/> elements from <paramref name="start"/> as one JSON list.</summary>
    public static void WriteRange(Utf8JsonWriter writer, Array data, int start, int count)
    {
        writer.WriteStartArray();
        for (var i = start; i < start + count; i++)
        {
            WriteElement(writer, data, i);
        }

        writer.WriteEndArray();
    }

    /// <summary>A flat row-major array as lists nested by <paramref name="shape"/> (a scalar for shape []).</summary>
    public static void WriteNested(Utf8JsonWriter writer, Array data, ReadOnlySpan<long> shape, int start = 0)
    {
        if (shape.Length == 0)
        {
            WriteElement(writer, data, start);
            return;
        }

        var inner = 1;
        foreach (var d in shape[1..])
        {
            inner *= (int)d;
        }

        writer.WriteStartArray();
        for (var i = 0; i < shape[0]; i++)
        {
            if (shape.Length == 1)
            {
                WriteElement(writer, data, start + i);
            }
            else
            {
                WriteNested(writer, data, shape[1..], start + (i * inner));
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static void WriteString(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case float f: WriteFloat(writer, f); break;
            case double d: WriteDouble(writer, d); break;
            case string s: writer.WriteStringValue(s); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case DateTime t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case Array array: WriteRange(writer, array, 0, array.Length); break;
            case IConvertible number when number.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.UInt64:
                writer.WriteNumberValue(number.ToDecimal(CultureInfo.InvariantCulture));
                break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}
