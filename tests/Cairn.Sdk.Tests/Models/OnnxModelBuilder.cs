namespace Cairn.Sdk.Tests.Models;

/// <summary>
/// Writes a real ONNX file (protobuf, by hand) for a linear model <c>y = x·W + b</c> with a variable batch dimension,
/// so ONNX tests need no Python. Field numbers are those of onnx.proto.
/// </summary>
internal static class OnnxModelBuilder
{
    /// <param name="sequenceOutput">Also outputs <c>y</c> as a one-element sequence named this (a non-tensor output).</param>
    public static byte[] Linear(string inputName, string outputName, float[,] weights, float[] bias, string? sequenceOutput = null)
    {
        var inputs = weights.GetLength(0);
        var outputs = weights.GetLength(1);
        var flat = new float[inputs * outputs];
        Buffer.BlockCopy(weights, 0, flat, 0, flat.Length * sizeof(float));
        var graph = Concat(
            Field(1, Concat(Str(1, inputName), Str(1, "W"), Str(2, "xw"), Str(3, "matmul"), Str(4, "MatMul"))),
            Field(1, Concat(Str(1, "xw"), Str(1, "B"), Str(2, outputName), Str(3, "add"), Str(4, "Add"))),
            sequenceOutput is null ? [] : Field(1, Concat(Str(1, outputName), Str(2, sequenceOutput), Str(3, "sequence"), Str(4, "SequenceConstruct"))),
            Str(2, "linear"),
            Field(5, Initializer("W", [inputs, outputs], flat)),
            Field(5, Initializer("B", [outputs], bias)),
            Field(11, ValueInfo(inputName, inputs)),
            Field(12, ValueInfo(outputName, outputs)),
            sequenceOutput is null ? [] : Field(12, Concat(Str(1, sequenceOutput), Field(2, Field(4, Field(1, Field(1, TensorType(1, outputs))))))));
        return Model(graph);
    }

    /// <summary>A string tensor of shape [batch, 1] passed through unchanged (Identity).</summary>
    public static byte[] StringIdentity(string inputName, string outputName)
    {
        var graph = Concat(
            Field(1, Concat(Str(1, inputName), Str(2, outputName), Str(3, "identity"), Str(4, "Identity"))),
            Str(2, "strings"),
            Field(11, Concat(Str(1, inputName), Field(2, Field(1, TensorType(8, 1))))),
            Field(12, Concat(Str(1, outputName), Field(2, Field(1, TensorType(8, 1))))));
        return Model(graph);
    }

    private static byte[] Model(byte[] graph) =>
        Concat(
            Varint(1, 8),                                    // ir_version
            Str(2, "cairn-tests"),                           // producer_name
            Field(7, graph),
            Field(8, Concat(Str(1, ""), Varint(2, 13))));   // opset_import: default domain, opset 13

    private static byte[] Initializer(string name, long[] dims, float[] values)
    {
        var data = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, data, 0, data.Length);
        return Concat(Concat(dims.Select(d => Varint(1, d)).ToArray()), Varint(2, 1), Field(4, data), Str(8, name));
    }

    /// <summary>A float tensor of shape [batch, width]; the batch dimension is symbolic.</summary>
    private static byte[] ValueInfo(string name, int width) => Concat(Str(1, name), Field(2, Field(1, TensorType(1, width))));

    /// <summary>A tensor type (element type as onnx.proto numbers it: 1 float, 8 string) of shape [batch, width].</summary>
    private static byte[] TensorType(int elementType, int width) =>
        Concat(Varint(1, elementType), Field(2, Concat(Field(1, Str(2, "batch")), Field(1, Varint(1, width)))));

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
