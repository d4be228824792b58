using System.Globalization;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Training.Data;

namespace Cairn.Quality.Bias;

/// <summary>Runs a loaded model over a table of text cells and returns its predicted label of each row as text.</summary>
public static class ModelPredictions
{
    /// <summary>Output columns that hold a predicted label, in order of preference (ML.NET, then common ONNX exports).</summary>
    private static readonly string[] LabelOutputs = ["PredictedLabel", "label", "output_label", "predicted_label", "prediction"];

    /// <summary>Output columns that hold a score in [0, 1] for the positive class.</summary>
    private static readonly string[] ScoreOutputs = ["Probability", "probability", "Score", "score"];

    /// <summary>
    /// The model's predicted label of each row, or with <paramref name="scores"/> its positive-class probability, as text.
    /// </summary>
    public static IReadOnlyList<string> Predict(LoadedModel model, RawTable raw, IReadOnlyCollection<string> excluded, bool scores, out IReadOnlyList<string> inputColumns)
    {
        var input = InputFrame(raw, model.Signature.Inputs, excluded);
        inputColumns = [.. input.Columns.Select(c => c.Name)];
        Frame output;
        try
        {
            output = model.Predict(input);
        }
        catch (Exception error) when (error is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new BiasInputException($"The model cannot predict from the data: {error.Message}");
        }

        var column = (scores ? ScoreOutputs : LabelOutputs).Select(output.Find).FirstOrDefault(c => c is not null && !c.IsArray)
            ?? (output.Columns.Count == 1 && !output.Columns[0].IsArray ? output.Columns[0] : null)
            ?? throw new BiasInputException(
                $"The model returns no {(scores ? "probability" : "predicted-label")} column (outputs: {string.Join(", ", output.Columns.Select(c => c.Name))}); "
                + "give its predictions with --predictions instead.");
        return [.. Enumerable.Range(0, output.RowCount).Select(r => Text(column[r]))];
    }

    /// <summary>The model's input columns typed as its signature says; a tensor model with one input takes every numeric column.</summary>
    internal static Frame InputFrame(RawTable raw, SignatureSchema schema, IReadOnlyCollection<string> excluded)
    {
        var index = raw.Columns.Select((name, i) => (name, i)).GroupBy(p => p.name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        if (schema.IsTensorBased || schema.Columns.All(c => c.Name is null))
        {
            var names = raw.Columns.Where(c => !excluded.Contains(c)).ToList();
            return new Frame([.. names.Select(n => Typed(raw, index[n], n, DataType.Float))]);
        }

        var columns = new List<Column>();
        var missing = new List<string>();
        foreach (var spec in schema.Columns.Where(c => c.Name is not null && c.Type is not null && !c.IsArray))
        {
            if (!index.TryGetValue(spec.Name!, out var i))
            {
                if (spec.Required)
                {
                    missing.Add(spec.Name!);
                }

                continue;
            }

            columns.Add(Typed(raw, i, spec.Name!, spec.Type!.Value));
        }

        if (missing.Count > 0)
        {
            throw new BiasInputException($"--input: the model needs column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}, which the data lacks.");
        }

        return new Frame(columns);
    }

    private static Column Typed(RawTable raw, int index, string name, DataType type)
    {
        var cells = raw.Rows.Select(r => r[index]?.Trim()).ToArray();
        T[] Parse<T>(Func<string, T?> parse, T missing, string kind)
            where T : struct =>
            [.. cells.Select((c, r) => string.IsNullOrEmpty(c) ? missing
                : parse(c) ?? throw new BiasInputException($"--input: column '{name}' row {r + 1} has '{c}', which is not {kind} as the model expects."))];

        return type switch
        {
            DataType.Float => Column.Of(name, Parse(c => float.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (float?)null, float.NaN, "a number")),
            DataType.Double => Column.Of(name, Parse(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null, double.NaN, "a number")),
            DataType.Integer => Column.Of(name, Parse(c => int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null, 0, "an integer")),
            DataType.Long => Column.Of(name, Parse(c => long.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (long?)null, 0, "an integer")),
            DataType.Boolean => Column.Of(name, Parse(BiasTable.Bool, false, "true or false")),
            DataType.String => Column.Of(name, cells.Select(c => (string?)(c ?? "")).ToArray()),
            _ => throw new BiasInputException($"--input: the model's input '{name}' has type {type.WireName()}, which bias analysis cannot read from a table."),
        };
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
