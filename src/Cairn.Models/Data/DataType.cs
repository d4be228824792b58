namespace Cairn.Models.Data;

/// <summary>MLflow's column types (signature <c>type</c> values).</summary>
public enum DataType
{
    Boolean,
    Integer,
    Long,
    Float,
    Double,
    String,
    Binary,
    DateTime,
}

public static class DataTypes
{
    public static string WireName(this DataType type) => type switch
    {
        DataType.Boolean => "boolean",
        DataType.Integer => "integer",
        DataType.Long => "long",
        DataType.Float => "float",
        DataType.Double => "double",
        DataType.String => "string",
        DataType.Binary => "binary",
        DataType.DateTime => "datetime",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static DataType? FromWireName(string name) => name switch
    {
        "boolean" => DataType.Boolean,
        "integer" => DataType.Integer,
        "long" => DataType.Long,
        "float" => DataType.Float,
        "double" => DataType.Double,
        "string" => DataType.String,
        "binary" => DataType.Binary,
        "datetime" => DataType.DateTime,
        _ => null,
    };

    /// <summary>The CLR element type a column of this type holds.</summary>
    public static Type ClrType(this DataType type) => type switch
    {
        DataType.Boolean => typeof(bool),
        DataType.Integer => typeof(int),
        DataType.Long => typeof(long),
        DataType.Float => typeof(float),
        DataType.Double => typeof(double),
        DataType.String => typeof(string),
        DataType.Binary => typeof(byte[]),
        DataType.DateTime => typeof(DateTime),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
