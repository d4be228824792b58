using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Cairn.Serving.Data;

/// <summary>
/// The protocol's raw tensor encoding, shared by gRPC <c>raw_input_contents</c> and the REST binary tensor data
/// extension: little-endian, row-major, no padding; BOOL one byte (0 or 1); each BYTES element a 4-byte little-endian
/// length followed by that many bytes.
/// </summary>
internal static class RawTensor
{
    /// <summary>Bytes per element, or null for BYTES (variable length).</summary>
    public static int? ElementSize(ElementType type) => type switch
    {
        ElementType.Bool or ElementType.Int8 or ElementType.Uint8 => 1,
        ElementType.Int16 or ElementType.Uint16 or ElementType.Fp16 => 2,
        ElementType.Int32 or ElementType.Uint32 or ElementType.Fp32 => 4,
        ElementType.Int64 or ElementType.Uint64 or ElementType.Fp64 => 8,
        _ => null,
    };

    public static Array Read(ReadOnlySpan<byte> bytes, ElementType type, string name) => type switch
    {
        ElementType.Bool => Booleans(bytes, name),
        ElementType.Int8 => Cast<sbyte>(bytes, name),
        ElementType.Int16 => Cast<short>(bytes, name),
        ElementType.Int32 => Cast<int>(bytes, name),
        ElementType.Int64 => Cast<long>(bytes, name),
        ElementType.Uint8 => bytes.ToArray(),
        ElementType.Uint16 => Cast<ushort>(bytes, name),
        ElementType.Uint32 => Cast<uint>(bytes, name),
        ElementType.Uint64 => Cast<ulong>(bytes, name),
        ElementType.Fp16 => Cast<Half>(bytes, name),
        ElementType.Fp32 => Cast<float>(bytes, name),
        ElementType.Fp64 => Cast<double>(bytes, name),
        ElementType.Bytes => Strings(bytes, name),
        _ => throw new InputException($"Input '{name}': datatype {type.OipName()} is not supported."),
    };

    /// <summary>The raw encoding of a typed array a model returned.</summary>
    public static byte[] ToBytes(Array data) => data switch
    {
        bool[] a => a.Select(v => v ? (byte)1 : (byte)0).ToArray(),
        string?[] a => Strings(a),
        byte[] a => a,
        sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        short[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        long[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        ushort[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        uint[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        ulong[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        Half[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray(),
        _ => throw new NotSupportedException($"{data.GetType().GetElementType()!.Name} values have no raw encoding."),
    };

    private static T[] Cast<T>(ReadOnlySpan<byte> bytes, string name)
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if (bytes.Length % size != 0)
        {
            throw new InputException($"Input '{name}': {bytes.Length} raw bytes are not a whole number of {size}-byte elements.");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static bool[] Booleans(ReadOnlySpan<byte> bytes, string name)
    {
        var values = new bool[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            values[i] = bytes[i] switch
            {
                0 => false,
                1 => true,
                _ => throw new InputException($"Input '{name}': raw BOOL element {i} is {bytes[i]}; it must be 0 or 1."),
            };
        }

        return values;
    }

    private static string[] Strings(ReadOnlySpan<byte> bytes, string name)
    {
        var strings = new List<string>();
        while (!bytes.IsEmpty)
        {
            if (bytes.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) is var length && length > (uint)(bytes.Length - 4))
            {
                throw new InputException($"Input '{name}': raw BYTES must be 4-byte little-endian lengths, each followed by that many bytes.");
            }

            strings.Add(Encoding.UTF8.GetString(bytes.Slice(4, (int)length)));
            bytes = bytes[(4 + (int)length)..];
        }

        return [.. strings];
    }

    private static byte[] Strings(string?[] values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var value in values)
        {
            var text = value ?? string.Empty;
            var span = buffer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(text.Length));
            var written = Encoding.UTF8.GetBytes(text, span[4..]);
            BinaryPrimitives.WriteInt32LittleEndian(span, written);
            buffer.Advance(4 + written);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
