using Cairn.Models.Data;
using Cairn.Models.Package;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Models.MLNet;

/// <summary>How ML.NET column types map to MLflow signature types.</summary>
internal static class MlNetTypes
{
    /// <summary>Columns ML.NET trainers add that a caller wants back, in this order.</summary>
    public static readonly string[] PredictionColumns = ["PredictedLabel", "Score", "Probability"];

    public static ColumnSpec Spec(DataViewSchema.Column column, bool required = true)
    {
        var (type, isArray) = Map(column);
        return new ColumnSpec(column.Name, type, required, isArray);
    }

    public static (DataType Type, bool IsArray) Map(DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is VectorDataViewType vector)
        {
            return (Scalar(vector.ItemType, column, vector: true), true);
        }

        return (Scalar(type, column, vector: false), false);
    }

    private static DataType Scalar(DataViewType type, DataViewSchema.Column column, bool vector)
    {
        var raw = type.RawType;
        if (type is KeyDataViewType)
        {
            // Keys read back through their text values when the model kept them (e.g. a predicted class name).
            return HasTextKeyValues(column, vector) ? DataType.String : DataType.Long;
        }

        return raw switch
        {
            _ when raw == typeof(float) => DataType.Float,
            _ when raw == typeof(double) => DataType.Double,
            _ when raw == typeof(bool) => DataType.Boolean,
            _ when raw == typeof(ReadOnlyMemory<char>) => DataType.String,
            _ when raw == typeof(int) || raw == typeof(short) || raw == typeof(sbyte) || raw == typeof(byte) || raw == typeof(ushort) => DataType.Integer,
            _ when raw == typeof(long) || raw == typeof(uint) => DataType.Long,
            _ when raw == typeof(DateTime) => DataType.DateTime,
            _ => throw new ModelPackageException($"Column '{column.Name}' has ML.NET type {type}, which has no MLflow signature type."),
        };
    }

    public static bool HasTextKeyValues(DataViewSchema.Column column, bool vector = false) =>
        !vector && column.Annotations.Schema.GetColumnOrNull(KeyValues) is { Type: VectorDataViewType { ItemType: TextDataViewType } };

    public const string KeyValues = "KeyValues";

    /// <summary>The columns a prediction returns: the signature's outputs, else the trainer's prediction columns, else every new column.</summary>
    public static List<DataViewSchema.Column> OutputColumns(DataViewSchema output, DataViewSchema input, SignatureSchema? declared)
    {
        if (declared is { Columns.Count: > 0 })
        {
            return declared.Columns.Where(c => c.Name is not null)
                .Select(c => output.GetColumnOrNull(c.Name!) ?? throw new ModelPackageException($"The model produces no column '{c.Name}' that its signature lists."))
                .ToList();
        }

        var visible = output.Where(c => !c.IsHidden).ToList();
        var predictions = visible.Where(c => PredictionColumns.Contains(c.Name)).OrderBy(c => Array.IndexOf(PredictionColumns, c.Name)).ToList();
        return predictions.Count > 0 ? predictions : visible.Where(c => input.GetColumnOrNull(c.Name) is null).ToList();
    }
}
