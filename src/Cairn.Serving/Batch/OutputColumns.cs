using Cairn.Models.Data;

namespace Cairn.Serving.Batch;

/// <summary>One scalar output column: a vector output becomes several (<c>Score_0</c>, <c>Score_1</c>…).</summary>
public sealed record OutputColumn(string Name, DataType Type, Array Values);

/// <summary>Flattens a model's answer (a frame or tensors) into scalar columns with one value per predicted row.</summary>
internal static class OutputColumns
{
    public static List<OutputColumn> From(Frame frame)
    {
        var columns = new List<OutputColumn>();
        foreach (var column in frame.Columns)
        {
            if (!column.IsArray)
            {
                columns.Add(new OutputColumn(column.Name, column.Type, column.Values));
                continue;
            }

            var rows = column.Values;
            var width = rows.Length == 0 ? 0 : ((Array)rows.GetValue(0)!).Length;
            for (var j = 0; j < width; j++)
            {
                var values = Array.CreateInstance(column.Type.ClrType(), rows.Length);
                for (var r = 0; r < rows.Length; r++)
                {
                    var row = (Array)rows.GetValue(r)!;
                    if (row.Length != width)
                    {
                        throw new InvalidDataException($"Output '{column.Name}' has {row.Length} values in one row and {width} in another.");
                    }

                    values.SetValue(row.GetValue(j), r);
                }

                columns.Add(new OutputColumn($"{column.Name}_{j}", column.Type, values));
            }
        }

        return columns;
    }

    public static List<OutputColumn> From(IReadOnlyList<Tensor> tensors, int rows)
    {
        var columns = new List<OutputColumn>();
        foreach (var tensor in tensors)
        {
            var type = tensor.Dtype switch
            {
                "float32" => DataType.Float,
                "float64" => DataType.Double,
                "int32" => DataType.Integer,
                "int64" => DataType.Long,
                "bool" => DataType.Boolean,
                "str" or "object" => DataType.String,
                _ => throw new InvalidDataException($"Output '{tensor.Name}' is {tensor.Dtype}, which batch prediction cannot write."),
            };

            if (tensor.Shape.Length == 0 || tensor.Shape[0] != rows)
            {
                throw new InvalidDataException($"Output '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}], not one row per input row ({rows}).");
            }

            var width = (int)(rows == 0 ? 0 : tensor.ElementCount / rows);
            if (tensor.Shape.Length == 1)
            {
                columns.Add(new OutputColumn(tensor.Name, type, tensor.Data));
                continue;
            }

            for (var j = 0; j < width; j++)
            {
                var values = Array.CreateInstance(type.ClrType(), rows);
                for (var r = 0; r < rows; r++)
                {
                    values.SetValue(tensor.Data.GetValue((r * width) + j), r);
                }

                columns.Add(new OutputColumn($"{tensor.Name}_{j}", type, values));
            }
        }

        return columns;
    }
}
