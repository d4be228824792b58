using System.Text.Json;
using Cairn.Models.Data;
using Cairn.Serving.Data;
using Cairn.Serving.Models;

namespace Cairn.Serving.Mlflow;

/// <summary>Turns an /invocations payload into the tensors a tensor-based signature names, checking dtype and shape.</summary>
internal static class TensorBinder
{
    public static List<Tensor> Bind(ScoringInput input, IReadOnlyList<TensorMetadata> inputs) => input switch
    {
        ArrayInput a when inputs.Count == 1 => [Read(inputs[0], a.Array)],
        ArrayInput => throw new InputException(
            $"The model takes {inputs.Count} inputs ({Names(inputs)}); send them as an object of named arrays: {{\"inputs\": {{\"{inputs[0].Name}\": [...], ...}}}}.", isSchemaError: true),
        NamedArraysInput n => FromNamed(n, inputs),
        ColumnsInput c => FromColumns(c, inputs),
        _ => throw new InvalidOperationException(),
    };

    private static List<Tensor> FromNamed(NamedArraysInput input, IReadOnlyList<TensorMetadata> inputs)
    {
        if (inputs.Count == 1 && input.Arrays.Count == 1 && inputs[0].Tensor?.Name is null)
        {
            return [Read(inputs[0], input.Arrays[0].Value)];
        }

        CheckNames(input.Arrays.Select(a => a.Key), inputs);
        return inputs.Select(meta => Read(meta, input.Arrays.First(a => a.Key == meta.Name).Value)).ToList();
    }

    /// <summary>
    /// DataFrame columns: one input takes all columns side by side ([rows, columns]) unless a column carries its name;
    /// several inputs each take the column of their name, one value (scalar or array) per row.
    /// </summary>
    private static List<Tensor> FromColumns(ColumnsInput input, IReadOnlyList<TensorMetadata> inputs)
    {
        if (inputs.Count == 1 && !input.Names.Contains(inputs[0].Name))
        {
            var meta = inputs[0];
            var leaves = new List<JsonElement>(input.RowCount * input.Names.Count);
            for (var r = 0; r < input.RowCount; r++)
            {
                foreach (var column in input.Values)
                {
                    leaves.Add(column[r]);
                }
            }

            long[] shape = meta.Shape.Length == 1 && input.Names.Count == 1 ? [input.RowCount] : [input.RowCount, input.Names.Count];
            return [Make(meta, shape, leaves)];
        }

        CheckNames(input.Names, inputs);
        return inputs.Select(meta =>
        {
            var rows = input.Values[input.Names.ToList().IndexOf(meta.Name)];
            var rowShape = rows.Length == 0 ? [] : TensorJson.Shape(rows[0], meta.Name);
            var leaves = new List<JsonElement>();
            foreach (var row in rows)
            {
                if (!TensorJson.Shape(row, meta.Name).AsSpan().SequenceEqual(rowShape))
                {
                    throw new InputException($"Input '{meta.Name}' has rows of different shapes.", isSchemaError: true);
                }

                leaves.AddRange(TensorJson.Flatten(row));
            }

            return Make(meta, [rows.Length, .. rowShape], leaves);
        }).ToList();
    }

    private static Tensor Read(TensorMetadata meta, JsonElement array) =>
        Make(meta, TensorJson.Shape(array, meta.Name), TensorJson.Flatten(array));

    private static Tensor Make(TensorMetadata meta, long[] shape, List<JsonElement> leaves)
    {
        CheckShape(meta, shape);
        var data = TensorJson.ToArray(leaves, meta.Type, meta.Name, meta.Type.NumpyName());
        return new Tensor(meta.Name, meta.Type.NumpyName(), shape, data);
    }

    public static void CheckShape(TensorMetadata meta, long[] shape)
    {
        var expected = meta.Shape;
        var fits = expected.Length == shape.Length;
        for (var i = 0; fits && i < shape.Length; i++)
        {
            fits = expected[i] < 0 || expected[i] == shape[i];
        }

        if (!fits)
        {
            throw new InputException($"Input '{meta.Name}' needs shape [{string.Join(", ", expected)}], got [{string.Join(", ", shape)}].", isSchemaError: true);
        }
    }

    private static void CheckNames(IEnumerable<string> given, IReadOnlyList<TensorMetadata> inputs)
    {
        var names = given.ToList();
        var unknown = names.FirstOrDefault(n => inputs.All(i => i.Name != n));
        if (unknown is not null)
        {
            throw new InputException($"Unknown input '{unknown}'; the model takes {Names(inputs)}.", isSchemaError: true);
        }

        var missing = inputs.FirstOrDefault(i => !names.Contains(i.Name));
        if (missing is not null)
        {
            throw new InputException($"Missing input '{missing.Name}'; the model takes {Names(inputs)}.", isSchemaError: true);
        }
    }

    private static string Names(IReadOnlyList<TensorMetadata> inputs) => string.Join(", ", inputs.Select(i => $"'{i.Name}'"));
}
