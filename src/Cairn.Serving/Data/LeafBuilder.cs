using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cairn.Models.Data;

namespace Cairn.Serving.Data;

/// <summary>
/// Collects the scalar leaves of a JSON array straight from a <see cref="Utf8JsonReader"/> into a typed array, with the
/// same conversions as <see cref="TensorJson"/> (tensors) or MLflow's column reading (columns). A leaf that does not
/// convert makes <see cref="TryAdd"/> return false; the caller then falls back to the document path, whose messages
/// name the offending element.
/// </summary>
internal abstract class LeafBuilder : IDisposable
{
    public abstract int Count { get; }

    public abstract bool TryAdd(ref Utf8JsonReader reader);

    /// <summary>The leaves as an exact-length typed array; call once, when reading is done.</summary>
    public abstract Array ToArray();

    public abstract void Dispose();

    /// <summary>A builder for tensor elements of <paramref name="type"/>; null for types JSON cannot carry (FP16).</summary>
    public static LeafBuilder? ForTensor(ElementType type, int capacity) => type switch
    {
        ElementType.Fp32 => new Builder<float, Fp32>(capacity, pooled: true),
        ElementType.Fp64 => new Builder<double, Fp64>(capacity, pooled: true),
        ElementType.Int8 => new Builder<sbyte, Int8>(capacity, pooled: true),
        ElementType.Int16 => new Builder<short, Int16>(capacity, pooled: true),
        ElementType.Int32 => new Builder<int, Int32>(capacity, pooled: true),
        ElementType.Int64 => new Builder<long, Int64>(capacity, pooled: true),
        ElementType.Uint8 => new Builder<byte, Uint8>(capacity, pooled: true),
        ElementType.Uint16 => new Builder<ushort, Uint16>(capacity, pooled: true),
        ElementType.Uint32 => new Builder<uint, Uint32>(capacity, pooled: true),
        ElementType.Uint64 => new Builder<ulong, Uint64>(capacity, pooled: true),
        ElementType.Bool => new Builder<bool, Bool>(capacity, pooled: true),
        ElementType.Bytes => new Builder<string, Text>(capacity, pooled: true),
        _ => null,
    };

    /// <summary>True for the column types <see cref="ForColumn"/> reads.</summary>
    public static bool ReadsColumn(DataType type) => type is DataType.Float or DataType.Double or DataType.Integer or DataType.Long or DataType.Boolean;

    /// <summary>A builder for a scalar column of <paramref name="type"/>; null for types read only by the document path.</summary>
    /// <remarks>
    /// Column values go into a plain array sized for <paramref name="rows"/>, handed over as is when the guess was
    /// exact: a one-row request for a model of 30 columns would otherwise rent and return 30 pooled buffers and copy
    /// each out.
    /// </remarks>
    public static LeafBuilder? ForColumn(DataType type, int rows) => type switch
    {
        DataType.Float => new Builder<float, ColumnFloat>(rows, pooled: false),
        DataType.Double => new Builder<double, ColumnDouble>(rows, pooled: false),
        DataType.Integer => new Builder<int, Int32>(rows, pooled: false),
        DataType.Long => new Builder<long, Int64>(rows, pooled: false),
        DataType.Boolean => new Builder<bool, Bool>(rows, pooled: false),
        _ => null,
    };

    private interface ILeaf<T>
    {
        static abstract bool TryRead(ref Utf8JsonReader reader, out T value);
    }

    private sealed class Builder<T, TLeaf>(int capacity, bool pooled) : LeafBuilder
        where TLeaf : ILeaf<T>
    {
        private T[] _values = pooled ? ArrayPool<T>.Shared.Rent(Math.Max(capacity, 16)) : new T[Math.Max(capacity, 1)];
        private int _count;

        public override int Count => _count;

        public override bool TryAdd(ref Utf8JsonReader reader)
        {
            if (!TLeaf.TryRead(ref reader, out var value))
            {
                return false;
            }

            if (_count == _values.Length)
            {
                Grow();
            }

            _values[_count++] = value;
            return true;
        }

        private void Grow()
        {
            if (!pooled)
            {
                Array.Resize(ref _values, _values.Length * 2);
                return;
            }

            var larger = ArrayPool<T>.Shared.Rent(_values.Length * 2);
            _values.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<T>.Shared.Return(_values, RuntimeHelpers.IsReferenceOrContainsReferences<T>());
            _values = larger;
        }

        /// <summary>An unpooled buffer that is exactly full is handed over without a copy; the builder is then done.</summary>
        public override Array ToArray() => !pooled && _count == _values.Length ? _values : _values.AsSpan(0, _count).ToArray();

        public override void Dispose()
        {
            var values = Interlocked.Exchange(ref _values, []);
            if (pooled && values.Length > 0)
            {
                ArrayPool<T>.Shared.Return(values, RuntimeHelpers.IsReferenceOrContainsReferences<T>());
            }
        }
    }

    /// <summary>Numbers, and the non-finite spellings MLflow clients send as strings (tensors also take "nan").</summary>
    private static bool TryNumber(ref Utf8JsonReader reader, bool lowerNan, out double value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out value);
        }

        value = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        var text = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            return false;
        }

        value = text.SequenceEqual("NaN"u8) || (lowerNan && text.SequenceEqual("nan"u8)) ? double.NaN
            : text.SequenceEqual("Infinity"u8) || text.SequenceEqual("inf"u8) ? double.PositiveInfinity
            : text.SequenceEqual("-Infinity"u8) || text.SequenceEqual("-inf"u8) ? double.NegativeInfinity
            : 0;
        return value != 0;
    }

    private static bool TryFloat(double number, out float value)
    {
        value = (float)number;
        return double.IsNaN(number) || double.IsInfinity(number) || Math.Abs(number) <= float.MaxValue;
    }

    private static bool TryInteger(ref Utf8JsonReader reader, long min, long max, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value) && value >= min && value <= max;
    }

    private readonly struct Fp64 : ILeaf<double>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out double value) => TryNumber(ref reader, lowerNan: true, out value);
    }

    private readonly struct Fp32 : ILeaf<float>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out float value)
        {
            value = 0;
            return TryNumber(ref reader, lowerNan: true, out var number) && TryFloat(number, out value);
        }
    }

    private readonly struct ColumnDouble : ILeaf<double>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out double value) => TryNumber(ref reader, lowerNan: false, out value);
    }

    private readonly struct ColumnFloat : ILeaf<float>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out float value)
        {
            value = 0;
            return TryNumber(ref reader, lowerNan: false, out var number) && TryFloat(number, out value);
        }
    }

    private readonly struct Int8 : ILeaf<sbyte>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out sbyte value)
        {
            var ok = TryInteger(ref reader, sbyte.MinValue, sbyte.MaxValue, out var number);
            value = (sbyte)number;
            return ok;
        }
    }

    private readonly struct Int16 : ILeaf<short>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out short value)
        {
            var ok = TryInteger(ref reader, short.MinValue, short.MaxValue, out var number);
            value = (short)number;
            return ok;
        }
    }

    private readonly struct Int32 : ILeaf<int>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out int value)
        {
            var ok = TryInteger(ref reader, int.MinValue, int.MaxValue, out var number);
            value = (int)number;
            return ok;
        }
    }

    private readonly struct Int64 : ILeaf<long>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out long value) => TryInteger(ref reader, long.MinValue, long.MaxValue, out value);
    }

    private readonly struct Uint8 : ILeaf<byte>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out byte value)
        {
            var ok = TryInteger(ref reader, 0, byte.MaxValue, out var number);
            value = (byte)number;
            return ok;
        }
    }

    private readonly struct Uint16 : ILeaf<ushort>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out ushort value)
        {
            var ok = TryInteger(ref reader, 0, ushort.MaxValue, out var number);
            value = (ushort)number;
            return ok;
        }
    }

    private readonly struct Uint32 : ILeaf<uint>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out uint value)
        {
            var ok = TryInteger(ref reader, 0, uint.MaxValue, out var number);
            value = (uint)number;
            return ok;
        }
    }

    private readonly struct Uint64 : ILeaf<ulong>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out ulong value)
        {
            value = 0;
            return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out value);
        }
    }

    private readonly struct Bool : ILeaf<bool>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out bool value)
        {
            value = reader.TokenType == JsonTokenType.True;
            return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
        }
    }

    private readonly struct Text : ILeaf<string>
    {
        public static bool TryRead(ref Utf8JsonReader reader, out string value)
        {
            value = reader.TokenType == JsonTokenType.String ? reader.GetString()! : "";
            return reader.TokenType == JsonTokenType.String;
        }
    }
}
