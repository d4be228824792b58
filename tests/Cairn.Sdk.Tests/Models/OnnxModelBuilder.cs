namespace Cairn.Sdk.Tests.Models;

/// <summary>
/// Writes a real ONNX file (protobuf, by hand) for a linear model <c>y = x·W + b</c> with a variable batch dimension,
/// so ONNX tests need no Python. Field numbers are those of onnx.proto.
/// </summary>
internal static class OnnxModelBuilder
{
    public static byte[] Linear(string inputName, string outputName, float[,] weights, float[] bias)
    {
        var inputs = weights.GetLength(0);
        var outputs = weights.GetLength(1);
        var flat = new float[inputs * outputs];
        Buffer.BlockCopy(weights, 0, flat, 0, flat.Length * sizeof(float));
        var graph = Concat(
            Field(1, Concat(Str(1, inputName), Str(1, "W"), Str(2, "xw"), Str(3, "matmul"), Str(4, "MatMul"))),
            Field(1, Concat(Str(1, "xw"), Str(1, "B"), Str(2, outputName), Str(3, "add"), Str(4, "Add"))),
            Str(2, "linear"),
            Field(5, Initializer("W", [inputs, outputs], flat)),
            Field(5, Initializer("B", [outputs], bias)),
            Field(11, ValueInfo(inputName, inputs)),
            Field(12, ValueInfo(outputName, outputs)));
        return Concat(
            Varint(1, 8),                                    // ir_version
            Str(2, "cairn-tests"),                           // producer_name
            Field(7, graph),
            Field(8, Concat(Str(1, ""), Varint(2, 13))));   // opset_import: default domain, opset 13
    }

    private static byte[] Initializer(string name, long[] dims, float[] values)
    {
        var data = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, data, 0, data.Length);
        return Concat(Concat(dims.Select(d => Varint(1, d)).ToArray()), Varint(2, 1), Field(4, data), Str(8, name));
    }

    /// <summary>A float tensor of shape [batch, width]; the batch dimension is symbolic.</summary>
    private static byte[] ValueInfo(string name, int width)
    {
        var shape = Concat(Field(1, Str(2, "batch")), Field(1, Varint(1, width)));
        var tensorType = Concat(Varint(1, 1), Field(2, shape));
        return Concat(Str(1, name), Field(2, Field(1, tensorType)));
    }

    private static byte[] Str(int field, string value) => Field(field, System.Text.Encoding.UTF8.GetBytes(value));

    private static byte[] Field(int field, byte[] payload) => Concat(Raw((ulong)((field << 3) | 2)), Raw((ulong)payload.Length), payload);

    private static byte[] Varint(int field, long value) => Concat(Raw((ulong)(field << 3)), Raw((ulong)value));

    private static byte[] Raw(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
