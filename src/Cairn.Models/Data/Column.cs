namespace Cairn.Models.Data;

/// <summary>
/// One named column of a <see cref="Frame"/>. <see cref="Values"/> is a typed array: <c>float[]</c> for a scalar
/// float column, <c>float[][]</c> when <see cref="IsArray"/> (one array per row, for vector columns).
/// </summary>
public sealed class Column
{
    public Column(string name, DataType type, Array values, bool isArray = false)
    {
        if (values.GetType() != ValuesType(type, isArray))
        {
            var expected = ValuesType(type, isArray).GetElementType()!;
            throw new ArgumentException($"Column '{name}' of type {type.WireName()}{(isArray ? "[]" : "")} needs {expected.Name}[] values, not {values.GetType().Name}.");
        }

        Name = name;
        Type = type;
        IsArray = isArray;
        Values = values;
    }

    public string Name { get; }

    public DataType Type { get; }

    public bool IsArray { get; }

    public Array Values { get; }

    public int Length => Values.Length;

    public object? this[int row] => Values.GetValue(row);

    /// <summary>The array type <see cref="Values"/> must have: checked on every column a request builds, so not by reflection.</summary>
    private static Type ValuesType(DataType type, bool isArray) => (type, isArray) switch
    {
        (DataType.Float, false) => typeof(float[]),
        (DataType.Double, false) => typeof(double[]),
        (DataType.Integer, false) => typeof(int[]),
        (DataType.Long, false) => typeof(long[]),
        (DataType.Boolean, false) => typeof(bool[]),
        (DataType.String, false) => typeof(string[]),
        (DataType.Float, true) => typeof(float[][]),
        (DataType.Double, true) => typeof(double[][]),
        _ => (isArray ? type.ClrType().MakeArrayType() : type.ClrType()).MakeArrayType(),
    };

    public static Column Of(string name, float[] values) => new(name, DataType.Float, values);

    public static Column Of(string name, double[] values) => new(name, DataType.Double, values);

    public static Column Of(string name, int[] values) => new(name, DataType.Integer, values);

    public static Column Of(string name, long[] values) => new(name, DataType.Long, values);

    public static Column Of(string name, bool[] values) => new(name, DataType.Boolean, values);

    public static Column Of(string name, string?[] values) => new(name, DataType.String, values);

    public static Column Of(string name, float[][] values) => new(name, DataType.Float, values, isArray: true);

    public static Column Of(string name, double[][] values) => new(name, DataType.Double, values, isArray: true);
}
