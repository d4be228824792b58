using Cairn.Models.Data;

namespace Cairn.Serving.Data;

/// <summary>A tensor element type, named the Open Inference Protocol way (FP32, INT64, BYTES…) and mapped to numpy's names.</summary>
public enum ElementType
{
    Bool,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Int8,
    Int16,
    Int32,
    Int64,
    Fp16,
    Fp32,
    Fp64,
    Bytes,
}

public static class ElementTypes
{
    public static string OipName(this ElementType type) => type switch
    {
        ElementType.Bool => "BOOL",
        ElementType.Uint8 => "UINT8",
        ElementType.Uint16 => "UINT16",
        ElementType.Uint32 => "UINT32",
        ElementType.Uint64 => "UINT64",
        ElementType.Int8 => "INT8",
        ElementType.Int16 => "INT16",
        ElementType.Int32 => "INT32",
        ElementType.Int64 => "INT64",
        ElementType.Fp16 => "FP16",
        ElementType.Fp32 => "FP32",
        ElementType.Fp64 => "FP64",
        ElementType.Bytes => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static ElementType? FromOipName(string? name) => name switch
    {
        "BOOL" => ElementType.Bool,
        "UINT8" => ElementType.Uint8,
        "UINT16" => ElementType.Uint16,
        "UINT32" => ElementType.Uint32,
        "UINT64" => ElementType.Uint64,
        "INT8" => ElementType.Int8,
        "INT16" => ElementType.Int16,
        "INT32" => ElementType.Int32,
        "INT64" => ElementType.Int64,
        "FP16" => ElementType.Fp16,
        "FP32" => ElementType.Fp32,
        "FP64" => ElementType.Fp64,
        "BYTES" => ElementType.Bytes,
        _ => null,
    };

    /// <summary>numpy dtype names as MLflow tensor signatures write them.</summary>
    public static ElementType? FromNumpyName(string dtype) => dtype switch
    {
        "bool" => ElementType.Bool,
        "uint8" => ElementType.Uint8,
        "uint16" => ElementType.Uint16,
        "uint32" => ElementType.Uint32,
        "uint64" => ElementType.Uint64,
        "int8" => ElementType.Int8,
        "int16" => ElementType.Int16,
        "int32" => ElementType.Int32,
        "int64" => ElementType.Int64,
        "float16" => ElementType.Fp16,
        "float32" => ElementType.Fp32,
        "float64" => ElementType.Fp64,
        "str" or "object" or "bytes" => ElementType.Bytes,
        _ => null,
    };

    public static string NumpyName(this ElementType type) => type switch
    {
        ElementType.Bool => "bool",
        ElementType.Bytes => "str",
        ElementType.Fp16 => "float16",
        ElementType.Fp32 => "float32",
        ElementType.Fp64 => "float64",
        _ => type.OipName().ToLowerInvariant(),
    };

    /// <summary>How a column type travels as a tensor (MLServer's pandas codec: strings as BYTES).</summary>
    public static ElementType FromColumnType(DataType type) => type switch
    {
        DataType.Boolean => ElementType.Bool,
        DataType.Integer => ElementType.Int32,
        DataType.Long => ElementType.Int64,
        DataType.Float => ElementType.Fp32,
        DataType.Double => ElementType.Fp64,
        _ => ElementType.Bytes,
    };

    public static Type ClrType(this ElementType type) => type switch
    {
        ElementType.Bool => typeof(bool),
        ElementType.Uint8 => typeof(byte),
        ElementType.Uint16 => typeof(ushort),
        ElementType.Uint32 => typeof(uint),
        ElementType.Uint64 => typeof(ulong),
        ElementType.Int8 => typeof(sbyte),
        ElementType.Int16 => typeof(short),
        ElementType.Int32 => typeof(int),
        ElementType.Int64 => typeof(long),
        ElementType.Fp16 => typeof(Half),
        ElementType.Fp32 => typeof(float),
        ElementType.Fp64 => typeof(double),
        ElementType.Bytes => typeof(string),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The element type of a typed array a model returned, or null for arrays the protocol cannot carry.</summary>
    public static ElementType? FromClrType(Type type) => type switch
    {
        _ when type == typeof(bool) => ElementType.Bool,
        _ when type == typeof(byte) => ElementType.Uint8,
        _ when type == typeof(ushort) => ElementType.Uint16,
        _ when type == typeof(uint) => ElementType.Uint32,
        _ when type == typeof(ulong) => ElementType.Uint64,
        _ when type == typeof(sbyte) => ElementType.Int8,
        _ when type == typeof(short) => ElementType.Int16,
        _ when type == typeof(int) => ElementType.Int32,
        _ when type == typeof(long) => ElementType.Int64,
        _ when type == typeof(float) => ElementType.Fp32,
        _ when type == typeof(double) => ElementType.Fp64,
        _ when type == typeof(string) => ElementType.Bytes,
        _ => null,
    };
}
