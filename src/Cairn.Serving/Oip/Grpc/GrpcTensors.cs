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

    public static Array FromRaw(ByteString raw, ElementType type, string name) => RawTensor.Read(raw.Span, type, name);

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

    public static ByteString ToRaw(Array data) => UnsafeByteOperations.UnsafeWrap(RawTensor.ToBytes(data));

    private static T[] Narrow<TWide, T>(IEnumerable<TWide> values, long min, long max, Func<long, T> narrow, string name)
        where TWide : IConvertible =>
        values.Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).Select(v => v >= min && v <= max
            ? narrow(v)
            : throw new InputException($"Input '{name}' holds {v}, outside its datatype's range [{min}, {max}].")).ToArray();
}
