namespace Cairn.Models.Data;

/// <summary>
/// A dense tensor: a flat row-major array and its shape. <see cref="Dtype"/> uses numpy's names
/// (<c>float32</c>, <c>float64</c>, <c>int32</c>, <c>int64</c>, <c>bool</c>, <c>str</c>…), as MLflow signatures do.
/// </summary>
public sealed record Tensor(string Name, string Dtype, long[] Shape, Array Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public static Tensor Of(string name, float[] data, params long[] shape) => new(name, "float32", shape, Check(data, shape));

    public static Tensor Of(string name, double[] data, params long[] shape) => new(name, "float64", shape, Check(data, shape));

    public static Tensor Of(string name, long[] data, params long[] shape) => new(name, "int64", shape, Check(data, shape));

    public static Tensor Of(string name, int[] data, params long[] shape) => new(name, "int32", shape, Check(data, shape));

    private static Array Check(Array data, long[] shape)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {count} elements, but {data.Length} were given.");
        }

        return data;
    }
}
