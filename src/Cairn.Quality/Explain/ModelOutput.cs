using Cairn.Models;
using Cairn.Models.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Quality.Explain;

/// <summary>
/// The one number per row that is explained: the model's <c>Score</c> column when it is a scalar (for ML.NET binary
/// classifiers, the raw score before calibration; for regression, the prediction), else the first scalar numeric
/// output, else the second entry of a two-column output (the positive class of ONNX classifiers' probabilities).
/// </summary>
public sealed class ModelOutput
{
    /// <summary>Rows per model call: large enough to amortise the call, small enough to bound memory.</summary>
    public const int BatchRows = 50_000;

    private readonly LoadedModel _model;
    private readonly Func<Column, int, double> _read;

    private ModelOutput(LoadedModel model, string column, string description, Func<Column, int, double> read)
    {
        _model = model;
        Column = column;
        Description = description;
        _read = read;
    }

    public string Column { get; }

    public string Description { get; }

    /// <summary>Picks the output from one prediction on <paramref name="sample"/> (a row or more of real input).</summary>
    /// <param name="classChoice">
    /// For a classifier with a score or probability per class (more than two): the class whose entry is explained, by its
    /// label or its 0-based position; required there, refused for a model with a single score.
    /// </param>
    public static ModelOutput For(LoadedModel model, Frame sample, string? classChoice = null)
    {
        var output = model.Predict(sample.Head(1));
        var columns = output.Columns;
        var perClass = columns.FirstOrDefault(c => c.IsArray && IsNumeric(c.Type) && c.Length > 0 && ((Array)c.Values.GetValue(0)!).Length > 2);
        if (perClass is not null)
        {
            var label = columns.FirstOrDefault(c => c.Name == "PredictedLabel")
                ?? columns.FirstOrDefault(c => !c.IsArray && c.Name.Contains("label", StringComparison.OrdinalIgnoreCase))
                ?? columns.FirstOrDefault(c => !c.IsArray && !IsNumeric(c.Type));
            return ForClass(model, sample, perClass.Name, classChoice, label?.Name);
        }

        var pair = columns.FirstOrDefault(c => c.IsArray && IsNumeric(c.Type) && c.Length > 0 && ((Array)c.Values.GetValue(0)!).Length == 2);
        if (classChoice is not null)
        {
            return pair is not null && classChoice is "0" or "1"
                ? ForClass(model, sample, pair.Name, classChoice, null)
                : throw new ArgumentException($"--class applies to classifiers with a score per class; this model returns {string.Join(", ", columns.Select(c => c.Name))}.");
        }

        var score = columns.FirstOrDefault(c => c.Name == "Score" && !c.IsArray && IsNumeric(c.Type));
        if (score is not null)
        {
            bool classifier = columns.Any(c => c.Name == "PredictedLabel" && c.Type == DataType.Boolean);
            return new ModelOutput(model, score.Name, classifier ? "raw score (margin, log-odds scale) before the probability calibrator" : "predicted value", Read);
        }

        var scalar = columns.FirstOrDefault(c => !c.IsArray && IsNumeric(c.Type) && !c.Name.Contains("label", StringComparison.OrdinalIgnoreCase));
        if (scalar is not null)
        {
            return new ModelOutput(model, scalar.Name, $"output '{scalar.Name}'", Read);
        }

        if (pair is not null)
        {
            return new ModelOutput(model, pair.Name, $"second entry of '{pair.Name}' (the positive class of a two-class output)", Entry(1));
        }

        throw new NotSupportedException(
            $"The model returns {string.Join(", ", columns.Select(c => c.Name))}; explanations need one numeric score per row "
            + "(a scalar output, or a two-class probability).");
    }

    /// <summary>
    /// Entry k of a per-class output. Class labels come from the output's slot names (ML.NET), else are matched to
    /// entries by prediction: on the sample, each row's predicted label is the class of its largest entry (how ML.NET and
    /// ONNX classifiers choose), so the label output names the entries the model actually predicts.
    /// </summary>
    private static ModelOutput ForClass(LoadedModel model, Frame sample, string column, string? classChoice, string? labelColumn)
    {
        var rows = sample.RowCount <= 500 ? sample : sample.Head(500);
        var predicted = model.Predict(rows);
        var scores = predicted.Find(column)!;
        int width = ((Array)scores.Values.GetValue(0)!).Length;
        var classes = SlotNames(model, column, width);
        if (classes.Count == 0 && labelColumn is not null && predicted.Find(labelColumn) is { } labels)
        {
            for (int r = 0; r < rows.RowCount; r++)
            {
                var entries = (Array)scores.Values.GetValue(r)!;
                int best = 0;
                for (int k = 1; k < width; k++)
                {
                    best = ToDouble(entries.GetValue(k)) > ToDouble(entries.GetValue(best)) ? k : best;
                }

                classes.TryAdd(best, Convert.ToString(labels.Values.GetValue(r), System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
        }

        string Known() => string.Join(", ", Enumerable.Range(0, width).Select(k => classes.TryGetValue(k, out var name) ? $"{name} ({k})" : $"{k}"));
        if (classChoice is null)
        {
            throw new ArgumentException($"The model gives a score per class in '{column}': choose the class to explain with --class (one of {Known()}).");
        }

        int index = classes.FirstOrDefault(c => c.Value == classChoice, new(-1, "")).Key;
        if (index < 0 && (!int.TryParse(classChoice, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index) || index >= width))
        {
            throw new ArgumentException($"--class {classChoice}: no such class in '{column}' (classes: {Known()}).");
        }

        var name = classes.GetValueOrDefault(index);
        return new ModelOutput(model, column, $"entry {index} of '{column}'" + (name is null ? "" : $" (class '{name}')") + ", the score of that class", Entry(index))
        {
            ClassIndex = index,
            ClassName = name,
        };
    }

    /// <summary>An ML.NET per-class score carries its class labels as slot names (when the label had text values).</summary>
    private static SortedDictionary<int, string> SlotNames(LoadedModel model, string column, int width)
    {
        var names = new SortedDictionary<int, string>();
        if (model is Cairn.Models.MLNet.MlNetModel mlnet
            && mlnet.Transformer.GetOutputSchema(mlnet.InputSchema).GetColumnOrNull(column) is { } score && score.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            score.GetSlotNames(ref buffer);
            var values = buffer.DenseValues().ToList();
            for (int k = 0; k < values.Count; k++)
            {
                if (!values[k].IsEmpty)
                {
                    names[k] = values[k].ToString();
                }
            }
        }

        return names;
    }

    /// <summary>With a per-class output: the position of the explained class, and its label when the model names it.</summary>
    public int? ClassIndex { get; private init; }

    public string? ClassName { get; private init; }

    public double[] Predict(Frame rows)
    {
        var result = new double[rows.RowCount];
        for (int start = 0; start < rows.RowCount; start += BatchRows)
        {
            var batch = start == 0 && rows.RowCount <= BatchRows ? rows : FrameRows.Slice(rows, start, Math.Min(BatchRows, rows.RowCount - start));
            var column = _model.Predict(batch).Find(Column) ?? throw new InvalidOperationException($"The model returned no '{Column}' column.");
            for (int r = 0; r < batch.RowCount; r++)
            {
                result[start + r] = _read(column, r);
            }
        }

        return result;
    }

    private static Func<Column, int, double> Entry(int index) => (c, r) => ToDouble(((Array)c.Values.GetValue(r)!).GetValue(index));

    private static double Read(Column column, int row) => ToDouble(column.Values.GetValue(row));

    private static double ToDouble(object? value) => value is null ? double.NaN : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsNumeric(DataType type) => type is DataType.Float or DataType.Double or DataType.Integer or DataType.Long;
}
