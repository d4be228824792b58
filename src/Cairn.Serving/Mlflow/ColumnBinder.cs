using System.Text.Json;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Serving.Data;

namespace Cairn.Serving.Mlflow;

/// <summary>Turns an /invocations payload into a frame that fits a column-based signature, naming the column that does not.</summary>
internal static class ColumnBinder
{
    public static Frame Bind(ScoringInput input, IReadOnlyList<ColumnSpec> specs)
    {
        var columns = input switch
        {
            ColumnsInput c => c,
            ArrayInput a => Positional(a.Array, specs),
            NamedArraysInput n => Named(n),
            _ => throw new InvalidOperationException(),
        };

        var result = new List<Column>();
        var missing = new List<string>();
        foreach (var spec in specs.Where(s => s.Name is not null && s.Type is not null))
        {
            var index = IndexOf(columns.Names, spec.Name!);
            if (index < 0)
            {
                if (spec.Required)
                {
                    missing.Add(spec.Name!);
                }

                continue;
            }

            try
            {
                result.Add(FrameJson.ReadColumn(spec.Name!, columns.Values[index], spec));
            }
            catch (FormatException error)
            {
                throw new InputException(error.Message, isSchemaError: true);
            }
        }

        if (missing.Count > 0)
        {
            throw new InputException($"Missing required input column{(missing.Count > 1 ? "s" : "")}: {string.Join(", ", missing.Select(m => $"'{m}'"))}.", isSchemaError: true);
        }

        try
        {
            return new Frame(result);
        }
        catch (ArgumentException error)
        {
            throw new InputException(error.Message, isSchemaError: true);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Rows without names fill the signature's columns in order.</summary>
    private static ColumnsInput Positional(JsonElement array, IReadOnlyList<ColumnSpec> specs)
    {
        var names = specs.Where(s => s.Name is not null).Select(s => s.Name!).ToList();
        var shape = TensorJson.Shape(array, "inputs");
        if (shape.Length == 1 && names.Count == 1)
        {
            return new ColumnsInput(names, [array.EnumerateArray().ToArray()], (int)shape[0], IsDataFrame: false);
        }

        if (shape.Length != 2 || shape[1] != names.Count)
        {
            throw new InputException(
                $"The model takes {names.Count} columns ({string.Join(", ", names.Select(n => $"'{n}'"))}); rows without names must have {names.Count} values each, "
                + $"but the input has shape [{string.Join(", ", shape)}].", isSchemaError: true);
        }

        var rows = array.EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToList();
        var values = names.Select((_, c) => rows.Select(r => r[c]).ToArray()).ToList();
        return new ColumnsInput(names, values, rows.Count, IsDataFrame: false);
    }

    private static ColumnsInput Named(NamedArraysInput input)
    {
        var values = new List<JsonElement[]>();
        foreach (var (name, array) in input.Arrays)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw new InputException($"Input '{name}' must be a list with one value per row.", isSchemaError: true);
            }

            values.Add(array.EnumerateArray().ToArray());
        }

        var lengths = values.Select(v => v.Length).Distinct().ToList();
        if (lengths.Count > 1)
        {
            throw new InputException($"Inputs have different lengths: {string.Join(", ", input.Arrays.Select((a, i) => $"'{a.Key}'={values[i].Length}"))}.", isSchemaError: true);
        }

        return new ColumnsInput(input.Arrays.Select(a => a.Key).ToList(), values, lengths.Count == 0 ? 0 : lengths[0], IsDataFrame: false);
    }
}
