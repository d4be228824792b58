using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;

namespace Cairn.Quality.Payloads;

/// <summary>
/// Prediction drift: the model's logged predictions compared with the baseline's label column (the answers the model
/// learnt to give), on the label's frozen bins or categories. It is reported beside the features and, like target
/// drift, does not count towards the dataset verdict.
/// </summary>
public static class PredictionDrift
{
    public const string Role = "prediction";

    /// <summary>
    /// The output compared: <paramref name="column"/> when given, else <c>PredictedLabel</c>, else the only output, else
    /// <c>Score</c> for a numeric label. Null when the baseline has no label or the responses hold no such output.
    /// </summary>
    public static string? ChooseColumn(PayloadBatch batch, Baseline baseline, string? column)
    {
        var outputs = batch.OutputNames;
        if (column is not null)
        {
            return outputs.Contains(column, StringComparer.Ordinal) ? column
                : throw new DriftInputException($"--prediction-column: the responses have no output '{column}' (they have: {(outputs.Count == 0 ? "none" : string.Join(", ", outputs))}).");
        }

        if (baseline.Label is not { } label || baseline.Column(label) is not { } reference)
        {
            return null;
        }

        return outputs.Contains("PredictedLabel", StringComparer.Ordinal) ? "PredictedLabel"
            : outputs.Count == 1 ? outputs[0]
            : reference.IsNumeric && outputs.Contains("Score", StringComparer.Ordinal) ? "Score"
            : null;
    }

    public static ColumnDrift? Compare(PayloadBatch batch, Baseline baseline, DriftOptions options, string? column)
    {
        if (ChooseColumn(batch, baseline, column) is not { } output)
        {
            return null;
        }

        if (baseline.Label is not { } label || baseline.Column(label) is not { } reference)
        {
            throw new DriftInputException("--prediction-column needs a baseline with a label column (cairn baseline create --label).");
        }

        var cells = batch.Rows.Select(r => (IReadOnlyList<KeyValuePair<string, string?>>)
            [new(label, Spell(r.Outputs.FirstOrDefault(o => o.Key == output).Value, reference))]);
        var table = ColumnarReader.FromRaw(PayloadLog.Table([label], cells), baseline.Kinds(), batch.Path + $" (output {output})");
        var report = DriftCalculator.Compare(baseline, table, options with { Columns = [label] });
        return report.Label! with
        {
            Column = output,
            Role = Role,
            Notes = [$"the model's '{output}' output compared with the baseline's label '{label}'", .. report.Label!.Notes],
        };
    }

    /// <summary>A predicted value as the baseline's label writes it: booleans as 1/0 for a numeric label, categories case-insensitively.</summary>
    private static string? Spell(string? value, BaselineColumn reference)
    {
        if (value is null)
        {
            return null;
        }

        if (reference.IsNumeric)
        {
            return value switch { "true" => "1", "false" => "0", _ => value };
        }

        return reference.Categories?.FirstOrDefault(c => string.Equals(c.Value, value, StringComparison.OrdinalIgnoreCase))?.Value ?? value;
    }
}
