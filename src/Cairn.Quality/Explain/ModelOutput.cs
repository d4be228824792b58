using Cairn.Models;
using Cairn.Models.Data;

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
    public static ModelOutput For(LoadedModel model, Frame sample)
    {
        var output = model.Predict(sample.Head(1));
        var columns = output.Columns;
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

        var pair = columns.FirstOrDefault(c => c.IsArray && IsNumeric(c.Type) && c.Length > 0 && ((Array)c.Values.GetValue(0)!).Length == 2);
        if (pair is not null)
        {
            return new ModelOutput(model, pair.Name, $"second entry of '{pair.Name}' (the positive class of a two-class output)", (c, r) => ToDouble(((Array)c.Values.GetValue(r)!).GetValue(1)));
        }

        throw new NotSupportedException(
            $"The model returns {string.Join(", ", columns.Select(c => c.Name))}; explanations need one numeric score per row "
            + "(a scalar output, or a two-class probability).");
    }

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

    private static double Read(Column column, int row) => ToDouble(column.Values.GetValue(row));

    private static double ToDouble(object? value) => value is null ? double.NaN : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsNumeric(DataType type) => type is DataType.Float or DataType.Double or DataType.Integer or DataType.Long;
}
