using System.Text.Json;
using Cairn.Models.Data;
using Cairn.Serving.Data;

namespace Cairn.Serving.Mlflow;

/// <summary>
/// Writes <c>{"predictions": …}</c> the way MLflow's scoring server JSON-ises model output: a model returning one column
/// gives a list (as a Series or 1-D array does), several columns a list of row objects (a DataFrame), named tensors an
/// object of nested lists (a dict of arrays); tensors answering a DataFrame come back as row objects, as MLflow's onnx
/// flavor does.
/// </summary>
internal static class PredictionsWriter
{
    public static void Write(Utf8JsonWriter writer, Frame output)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("predictions");
        if (output.Columns.Count == 1)
        {
            var column = output.Columns[0];
            ValueJson.WriteRange(writer, column.Values, 0, column.Length);
        }
        else
        {
            writer.WriteStartArray();
            for (var r = 0; r < output.RowCount; r++)
            {
                writer.WriteStartObject();
                foreach (var column in output.Columns)
                {
                    writer.WritePropertyName(column.Name);
                    ValueJson.WriteElement(writer, column.Values, r);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter writer, IReadOnlyList<Tensor> outputs, int? dataFrameRows)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("predictions");
        if (dataFrameRows is { } rows && outputs.All(o => o.Shape.Length > 0 && o.Shape[0] == rows))
        {
            WriteRecords(writer, outputs, rows);
        }
        else
        {
            writer.WriteStartObject();
            foreach (var output in outputs)
            {
                writer.WritePropertyName(output.Name);
                ValueJson.WriteNested(writer, output.Data, output.Shape);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Row r of each output: a scalar when the output has one value per row, else that row's nested lists.</summary>
    private static void WriteRecords(Utf8JsonWriter writer, IReadOnlyList<Tensor> outputs, int rows)
    {
        writer.WriteStartArray();
        for (var r = 0; r < rows; r++)
        {
            writer.WriteStartObject();
            foreach (var output in outputs)
            {
                writer.WritePropertyName(output.Name);
                var inner = rows == 0 ? 0 : (int)(output.ElementCount / rows);
                if (inner == 1)
                {
                    ValueJson.WriteElement(writer, output.Data, r);
                }
                else
                {
                    ValueJson.WriteNested(writer, output.Data, output.Shape.AsSpan(1), r * inner);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
