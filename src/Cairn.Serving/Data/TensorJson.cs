using System.Text.Json;

namespace Cairn.Serving.Data;

/// <summary>JSON arrays of numbers, booleans or strings read into typed, flat, row-major arrays.</summary>
internal static class TensorJson
{
    private delegate bool TryRead<T>(JsonElement element, out T value);

    /// <summary>Every leaf of a nested array in row-major order, whatever the nesting (the Open Inference Protocol allows both).</summary>
    public static List<JsonElement> Flatten(JsonElement value)
    {
        var leaves = new List<JsonElement>();
        Collect(value, leaves);
        return leaves;

        static void Collect(JsonElement value, List<JsonElement> leaves)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                leaves.Add(value);
                return;
            }

            foreach (var item in value.EnumerateArray())
            {
                Collect(item, leaves);
            }
        }
    }

    /// <summary>The shape a nested array describes, checking every level is rectangular; a scalar has shape [].</summary>
    public static long[] Shape(JsonElement value, string name)
    {
        var shape = new List<long>();
        for (var level = value; level.ValueKind == JsonValueKind.Array; level = level.GetArrayLength() == 0 ? default : level[0])
        {
            shape.Add(level.GetArrayLength());
            if (level.GetArrayLength() == 0)
            {
                break;
            }
        }

        Check(value, 0);
        return [.. shape];

        void Check(JsonElement element, int depth)
        {
            if (depth == shape.Count)
            {
                if (element.ValueKind == JsonValueKind.Array)
                {
                    throw new InputException($"Input '{name}' is a ragged array: its rows do not all have the same length.", isSchemaError: true);
                }

                return;
            }

            if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
            {
                throw new InputException($"Input '{name}' is a ragged array: its rows do not all have the same length.", isSchemaError: true);
            }

            foreach (var item in element.EnumerateArray())
            {
                Check(item, depth + 1);
            }
        }
    }

    /// <summary>Converts leaves to a typed array; a value that does not fit names the input and the element.</summary>
    public static Array ToArray(IReadOnlyList<JsonElement> leaves, ElementType type, string name, string typeLabel)
    {
        return type switch
        {
            ElementType.Fp32 => Fill<float>(TryFloat),
            ElementType.Fp64 => Fill<double>(TryDouble),
            ElementType.Int8 => Fill<sbyte>(TryInteger(sbyte.MinValue, sbyte.MaxValue, v => (sbyte)v)),
            ElementType.Int16 => Fill<short>(TryInteger(short.MinValue, short.MaxValue, v => (short)v)),
            ElementType.Int32 => Fill<int>(TryInteger(int.MinValue, int.MaxValue, v => (int)v)),
            ElementType.Int64 => Fill<long>(TryInteger(long.MinValue, long.MaxValue, v => v)),
            ElementType.Uint8 => Fill<byte>(TryInteger(0, byte.MaxValue, v => (byte)v)),
            ElementType.Uint16 => Fill<ushort>(TryInteger(0, ushort.MaxValue, v => (ushort)v)),
            ElementType.Uint32 => Fill<uint>(TryInteger(0, uint.MaxValue, v => (uint)v)),
            ElementType.Uint64 => Fill<ulong>(TryUInt64),
            ElementType.Bool => Fill<bool>(TryBool),
            ElementType.Bytes => Fill<string>(TryString),
            _ => throw new InputException($"Input '{name}' has datatype {type.OipName()}, which JSON cannot carry portably.", isSchemaError: true),
        };

        T[] Fill<T>(TryRead<T> read)
        {
            var values = new T[leaves.Count];
            for (var i = 0; i < values.Length; i++)
            {
                if (!read(leaves[i], out values[i]))
                {
                    throw new InputException($"Input '{name}' expects {typeLabel} values; element {i} is {InputException.Describe(leaves[i])}.", isSchemaError: true);
                }
            }

            return values;
        }
    }

    private static bool TryDouble(JsonElement element, out double value)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetDouble();
            return true;
        }

        // MLflow clients spell non-finite numbers as strings.
        value = element.ValueKind == JsonValueKind.String ? element.GetString() switch
        {
            "NaN" or "nan" => double.NaN,
            "Infinity" or "inf" => double.PositiveInfinity,
            "-Infinity" or "-inf" => double.NegativeInfinity,
            _ => 0,
        } : 0;
        return value != 0;
    }

    private static bool TryFloat(JsonElement element, out float value)
    {
        var ok = TryDouble(element, out var number) && (double.IsNaN(number) || double.IsInfinity(number) || Math.Abs(number) <= float.MaxValue);
        value = (float)number;
        return ok;
    }

    private static TryRead<T> TryInteger<T>(long min, long max, Func<long, T> cast) => (JsonElement element, out T value) =>
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number) && number >= min && number <= max)
        {
            value = cast(number);
            return true;
        }

        value = default!;
        return false;
    };

    private static bool TryUInt64(JsonElement element, out ulong value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out value);
    }

    private static bool TryBool(JsonElement element, out bool value)
    {
        value = element.ValueKind == JsonValueKind.True;
        return element.ValueKind is JsonValueKind.True or JsonValueKind.False;
    }

    private static bool TryString(JsonElement element, out string value)
    {
        value = element.ValueKind == JsonValueKind.String ? element.GetString()! : "";
        return element.ValueKind == JsonValueKind.String;
    }
}
