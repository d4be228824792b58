using System.Runtime.InteropServices;
using System.Text;
using Cairn.Serving.Data;
using Google.Protobuf;

namespace Cairn.Serving.Oip.Grpc;

/// <summary>
/// Tensor data between the protocol's gRPC encodings and typed arrays: the typed <c>contents</c> fields, or raw
/// little-endian bytes (<c>raw_input_contents</c>; BYTES elements each prefixed by a 4-byte length).
/// </summary>
internal static class GrpcTensors
{
    public static Array FromContents(InferTensorContents? contents, ElementType type, string name)
    {
        contents ??= new InferTensorContents();
        return type switch
        {
            ElementType.Bool => contents.BoolContents.ToArray(),
            ElementType.Int8 => Narrow(contents.IntContents, sbyte.MinValue, sbyte.MaxValue, v => (sbyte)v, name),
            ElementType.Int16 => Narrow(contents.IntContents, short.MinValue, short.MaxValue, v => (short)v, name),
            ElementType.Int32 => contents.IntContents.ToArray(),
            ElementType.Int64 => contents.Int64Contents.ToArray(),
            ElementType.Uint8 => Narrow(contents.UintContents, 0, byte.MaxValue, v => (byte)v, name),
            ElementType.Uint16 => Narrow(contents.UintContents, 0, ushort.MaxValue, v => (ushort)v, name),
            ElementType.Uint32 => contents.UintContents.ToArray(),
            ElementType.Uint64 => contents.Uint64Contents.ToArray(),
            ElementType.Fp32 => contents.Fp32Contents.ToArray(),
            ElementType.Fp64 => contents.Fp64Contents.ToArray(),
            ElementType.Bytes => contents.BytesContents.Select(b => b.ToStringUtf8()).ToArray(),
            _ => throw new InputException($"Input '{name}': datatype {type.OipName()} is not supported."),
        };
    }

    public static Array FromRaw(ByteString raw, ElementType type, string name)
    {
        var bytes = raw.Span;
        return type switch
        {
            ElementType.Bool => Cast<byte>(bytes, name).Select(b => b != 0).ToArray(),
            ElementType.Int8 => Cast<sbyte>(bytes, name),
            ElementType.Int16 => Cast<short>(bytes, name),
            ElementType.Int32 => Cast<int>(bytes, name),
            ElementType.Int64 => Cast<long>(bytes, name),
            ElementType.Uint8 => Cast<byte>(bytes, name),
            ElementType.Uint16 => Cast<ushort>(bytes, name),
            ElementType.Uint32 => Cast<uint>(bytes, name),
            ElementType.Uint64 => Cast<ulong>(bytes, name),
            ElementType.Fp32 => Cast<float>(bytes, name),
            ElementType.Fp64 => Cast<double>(bytes, name),
            ElementType.Bytes => Strings(bytes, name),
            _ => throw new InputException($"Input '{name}': datatype {type.OipName()} is not supported."),
        };
    }

    public static InferTensorContents ToContents(Array data) => data switch
    {
        bool[] a => new InferTensorContents { BoolContents = { a } },
        sbyte[] a => new InferTensorContents { IntContents = { a.Select(v => (int)v) } },
        short[] a => new InferTensorContents { IntContents = { a.Select(v => (int)v) } },
        int[] a => new InferTensorContents { IntContents = { a } },
        long[] a => new InferTensorContents { Int64Contents = { a } },
        byte[] a => new InferTensorContents { UintContents = { a.Select(v => (uint)v) } },
        ushort[] a => new InferTensorContents { UintContents = { a.Select(v => (uint)v) } },
        uint[] a => new InferTensorContents { UintContents = { a } },
        ulong[] a => new InferTensorContents { Uint64Contents = { a } },
        float[] a => new InferTensorContents { Fp32Contents = { a } },
        double[] a => new InferTensorContents { Fp64Contents = { a } },
        string?[] a => new InferTensorContents { BytesContents = { a.Select(s => ByteString.CopyFromUtf8(s ?? string.Empty)) } },
        _ => throw new NotSupportedException($"{data.GetType().GetElementType()!.Name} values cannot be sent over gRPC."),
    };

    public static ByteString ToRaw(Array data) => data switch
    {
        bool[] a => ByteString.CopyFrom(a.Select(v => v ? (byte)1 : (byte)0).ToArray()),
        string?[] a => ByteString.CopyFrom(a.SelectMany(s =>
        {
            var text = Encoding.UTF8.GetBytes(s ?? string.Empty);
            return BitConverter.GetBytes(text.Length).Concat(text);
        }).ToArray()),
        sbyte[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        short[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        int[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        long[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        byte[] a => ByteString.CopyFrom(a),
        ushort[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        uint[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        ulong[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        float[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        double[] a => ByteString.CopyFrom(MemoryMarshal.AsBytes(a.AsSpan())),
        _ => throw new NotSupportedException($"{data.GetType().GetElementType()!.Name} values cannot be sent over gRPC."),
    };

    private static T[] Narrow<TWide, T>(IEnumerable<TWide> values, long min, long max, Func<long, T> narrow, string name)
        where TWide : IConvertible =>
        values.Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).Select(v => v >= min && v <= max
            ? narrow(v)
            : throw new InputException($"Input '{name}' holds {v}, outside its datatype's range [{min}, {max}].")).ToArray();

    private static T[] Cast<T>(ReadOnlySpan<byte> bytes, string name)
        where T : struct
    {
        var size = Marshal.SizeOf<T>();
        if (bytes.Length % size != 0)
        {
            throw new InputException($"Input '{name}': {bytes.Length} raw bytes are not a whole number of {size}-byte elements.");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static string[] Strings(ReadOnlySpan<byte> bytes, string name)
    {
        var strings = new List<string>();
        while (!bytes.IsEmpty)
        {
            if (bytes.Length < 4 || BitConverter.ToInt32(bytes[..4]) is var length && (length < 0 || length > bytes.Length - 4))
            {
                throw new InputException($"Input '{name}': raw BYTES must be 4-byte little-endian lengths, each followed by that many bytes.");
            }

            strings.Add(Encoding.UTF8.GetString(bytes.Slice(4, length)));
            bytes = bytes[(4 + length)..];
        }

        return [.. strings];
    }
}
