using System.Globalization;
using Cairn.Models.Data;
using Cairn.Serving.Data;
using Cairn.Serving.Models;

namespace Cairn.Serving.Oip;

/// <summary>One output tensor of an inference response: flat row-major data of a protocol datatype.</summary>
internal sealed record InferOutput(string Name, ElementType Type, long[] Shape, Array Data);

/// <summary>Runs a validated request: column models get a frame (one input per column), tensor models their tensors.</summary>
internal static class InferRunner
{
    /// <param name="scored">Told the frame a column model scored and its predictions (for the payload log).</param>
    public static async Task<List<InferOutput>> RunAsync(ServedModel model, InferRequest request, Action<Frame, Frame>? scored = null)
    {
        var outputs = model.Interface.IsColumnBased ? await RunColumnsAsync(model, request, scored) : await RunTensorsAsync(model, request);
        if (request.Outputs is { } wanted)
        {
            var unknown = wanted.FirstOrDefault(w => outputs.All(o => o.Name != w));
            if (unknown is not null)
            {
                throw new InputException($"Unknown output '{unknown}'; model '{model.Name}' returns {string.Join(", ", outputs.Select(o => $"'{o.Name}'"))}.");
            }

            outputs = wanted.Select(w => outputs.First(o => o.Name == w)).ToList();
        }

        return outputs;
    }

    private static async Task<List<InferOutput>> RunTensorsAsync(ServedModel model, InferRequest request)
    {
        var tensors = request.Inputs.Select(i => new Tensor(i.Meta.Name, i.Meta.Type.NumpyName(), i.Shape, i.Data)).ToList();
        return (await ModelInvoker.PredictAsync(model, tensors)).Select(t => new InferOutput(t.Name, TypeOf(t.Data, t.Name), t.Shape, t.Data)).ToList();
    }

    private static async Task<List<InferOutput>> RunColumnsAsync(ServedModel model, InferRequest request, Action<Frame, Frame>? scored)
    {
        var rows = request.Inputs.Select(i => i.Shape[0]).Distinct().ToList();
        if (rows.Count > 1)
        {
            throw new InputException($"Column inputs must have the same number of rows; got {string.Join(", ", request.Inputs.Select(i => $"'{i.Meta.Name}'={i.Shape[0]}"))}.");
        }

        var frame = new Frame(request.Inputs.Select(ToColumn).ToList());
        var output = await ModelInvoker.PredictAsync(model, frame);
        scored?.Invoke(frame, output);
        return output.Columns.Select(ToOutput).ToList();
    }

    private static Column ToColumn(InferInput input)
    {
        var spec = input.Meta.Column!;
        var type = spec.Type!.Value;
        if (spec.IsArray)
        {
            var rows = (int)input.Shape[0];
            var width = (int)input.Shape[1];
            var perRow = Array.CreateInstance(input.Data.GetType(), rows);
            for (var r = 0; r < rows; r++)
            {
                var row = Array.CreateInstance(input.Data.GetType().GetElementType()!, width);
                Array.Copy(input.Data, r * width, row, 0, width);
                perRow.SetValue(row, r);
            }

            return new Column(spec.Name!, type, perRow, isArray: true);
        }

        // Strings travel as BYTES; binary and datetime columns are read from them.
        var values = type switch
        {
            DataType.Binary => ((string[])input.Data).Select(System.Text.Encoding.UTF8.GetBytes).ToArray(),
            DataType.DateTime => ((string[])input.Data).Select((s, i) => DateTime.TryParse(s, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t
                : throw new InputException($"Input '{spec.Name}' expects ISO-8601 datetimes; element {i} is not one.")).ToArray(),
            _ => input.Data,
        };
        return new Column(spec.Name!, type, values);
    }

    private static InferOutput ToOutput(Column column)
    {
        if (!column.IsArray)
        {
            return new InferOutput(column.Name, TypeOf(column.Values, column.Name), [column.Length], column.Values);
        }

        var rows = (Array[])column.Values;
        var width = rows.Length == 0 ? 0 : rows[0].Length;
        var flat = Array.CreateInstance(column.Type.ClrType(), rows.Length * width);
        for (var r = 0; r < rows.Length; r++)
        {
            Array.Copy(rows[r], 0, flat, r * width, width);
        }

        return new InferOutput(column.Name, TypeOf(flat, column.Name), [rows.Length, width], flat);
    }

    private static ElementType TypeOf(Array data, string name) =>
        ElementTypes.FromClrType(data.GetType().GetElementType()!)
        ?? throw new NotSupportedException($"Output '{name}' holds {data.GetType().GetElementType()!.Name} values, which the protocol cannot carry.");
}
