using System.Globalization;
using Cairn.Training.Data;

namespace Cairn.Quality.Bias;

/// <summary>Turns a table of text cells and a <see cref="BiasSpec"/> into <see cref="BiasData"/>, refusing selections that cannot work.</summary>
public static class BiasTable
{
    private static readonly string[] Missing = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"];

    /// <summary>
    /// The bias data of <paramref name="raw"/>. Predictions come from <paramref name="modelPredictions"/> (one per row, from
    /// a model) or else from the spec's prediction column; they are positive by the label's rule, or as booleans when
    /// the model answers booleans for another kind of label. Numeric columns other than facet, label, group and predictions feed the flip test.
    /// </summary>
    public static BiasData Build(RawTable raw, BiasSpec spec, IReadOnlyList<string>? modelPredictions = null, IReadOnlyList<string>? featureColumns = null)
    {
        if (raw.Rows.Count == 0)
        {
            throw new BiasInputException("--input: the data has no rows.");
        }

        int facet = ColumnIndex(raw, spec.Facet, "--facet");
        int label = ColumnIndex(raw, spec.Label, "--label");
        int? group = spec.Group is null ? null : ColumnIndex(raw, spec.Group, "--group");
        int? predictionColumn = spec.PredictionColumn is null ? null : ColumnIndex(raw, spec.PredictionColumn, "--predictions");

        var sensitive = Sensitive(raw, facet, spec);
        int inFacet = sensitive.Count(s => s);
        if (inFacet == 0)
        {
            throw new BiasInputException($"--facet-threshold: no row of '{spec.Facet}' is above {spec.FacetThreshold?.ToString(CultureInfo.InvariantCulture)}, so the sensitive group is empty.");
        }

        if (inFacet == raw.Rows.Count)
        {
            throw new BiasInputException($"The facet selection puts every row of '{spec.Facet}' in the sensitive group; nothing is left to compare it with.");
        }

        var labelValues = new string[raw.Rows.Count];
        for (int r = 0; r < raw.Rows.Count; r++)
        {
            labelValues[r] = Cell(raw, r, label) ?? throw new BiasInputException($"--label: column '{spec.Label}' row {r + 1} has no value.");
        }

        var labels = Positive(labelValues, spec, "--label", spec.Label, requirePresent: true);
        bool[]? predictions = modelPredictions is null ? null : Predicted([.. modelPredictions], spec, "the model's predictions", "predicted label");
        if (predictions is null && predictionColumn is { } p)
        {
            var texts = raw.Rows.Select((_, r) => Cell(raw, r, p) ?? throw new BiasInputException($"--predictions: column '{spec.PredictionColumn}' row {r + 1} has no value.")).ToArray();
            predictions = Predicted(texts, spec, "--predictions", spec.PredictionColumn!);
        }

        if (predictions is not null && predictions.Length != raw.Rows.Count)
        {
            throw new BiasInputException($"There are {predictions.Length} predictions for {raw.Rows.Count} rows.");
        }

        var intersect = spec.Intersect.Select(c => ColumnIndex(raw, c, "--intersect")).ToList();
        var control = spec.Control.Select(c => ColumnIndex(raw, c, "--control")).ToList();
        var weights = spec.SampleWeight is null ? null : Weights(raw, ColumnIndex(raw, spec.SampleWeight, "--sample-weight"), spec.SampleWeight);
        var used = new HashSet<string>(StringComparer.Ordinal) { spec.Facet, spec.Label };
        used.UnionWith(spec.Intersect);
        used.UnionWith(spec.Control);
        foreach (var name in new[] { spec.Group, spec.PredictionColumn, spec.SampleWeight })
        {
            if (name is not null)
            {
                used.Add(name);
            }
        }

        var (features, featureNames) = predictions is null ? (null, []) : Features(raw, featureColumns?.Where(c => !used.Contains(c)) ?? raw.Columns.Where(c => !used.Contains(c)));
        return new BiasData
        {
            Sensitive = sensitive,
            LabelValues = spec.LabelThreshold is null ? labelValues : [.. labels.Select(l => l ? "1" : "0")],
            Labels = labels,
            Predictions = predictions,
            Groups = group is { } g ? [.. raw.Rows.Select((_, r) => Cell(raw, r, g) ?? "")] : null,
            SensitiveGroups = intersect.Count == 0 ? SensitiveGroups(raw, facet, spec, sensitive)
                : [.. SensitiveGroups(raw, facet, spec, sensitive).Select((g, r) => string.Join(" · ", [g, .. intersect.Select(c => Cell(raw, r, c) ?? "(missing)")]))],
            Weights = weights,
            Controls = control.Count == 0 ? null : [.. raw.Rows.Select((_, r) => string.Join(" · ", control.Select(c => Cell(raw, r, c) ?? "(missing)")))],
            Features = features,
            FeatureNames = featureNames,
        };
    }

    private static int ColumnIndex(RawTable raw, string name, string option)
    {
        for (int i = 0; i < raw.Columns.Count; i++)
        {
            if (raw.Columns[i] == name)
            {
                return i;
            }
        }

        throw new BiasInputException($"{option}: no column '{name}' in the data (columns: {string.Join(", ", raw.Columns.Take(40))}{(raw.Columns.Count > 40 ? ", …" : "")}).");
    }

    private static string? Cell(RawTable raw, int row, int column)
    {
        var text = raw.Rows[row][column]?.Trim();
        return text is null || Missing.Contains(text) ? null : text;
    }

    private static bool[] Sensitive(RawTable raw, int facet, BiasSpec spec)
    {
        var values = raw.Rows.Select((_, r) => Cell(raw, r, facet)).ToArray();
        if (spec.FacetThreshold is { } threshold)
        {
            if (spec.FacetValues.Count > 0)
            {
                throw new BiasInputException("Give either --facet-value or --facet-threshold, not both.");
            }

            return [.. values.Select((v, r) => Number(v, "--facet", spec.Facet, r) > threshold)];
        }

        if (spec.FacetValues.Count == 0)
        {
            throw new BiasInputException($"--facet-value or --facet-threshold is needed to say which rows of '{spec.Facet}' form the sensitive group.");
        }

        var present = values.Where(v => v is not null).Select(v => v!).ToHashSet(StringComparer.Ordinal);
        foreach (var value in spec.FacetValues)
        {
            if (!present.Contains(value))
            {
                throw new BiasInputException($"--facet-value: '{value}' does not occur in column '{spec.Facet}' (values: {Sample(present)}).");
            }
        }

        var selected = spec.FacetValues.ToHashSet(StringComparer.Ordinal);
        return [.. values.Select(v => v is not null && selected.Contains(v))];
    }

    private static double[] Weights(RawTable raw, int column, string name)
    {
        var weights = new double[raw.Rows.Count];
        for (int r = 0; r < weights.Length; r++)
        {
            var text = Cell(raw, r, column);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out weights[r]) || !double.IsFinite(weights[r]) || weights[r] < 0)
            {
                throw new BiasInputException($"--sample-weight: row {r + 1} of '{name}' holds '{text}'; weights must be non-negative numbers.");
            }
        }

        return weights;
    }

    private static string[] SensitiveGroups(RawTable raw, int facet, BiasSpec spec, bool[] sensitive)
    {
        if (spec.FacetThreshold is { } threshold)
        {
            var t = threshold.ToString(CultureInfo.InvariantCulture);
            return [.. sensitive.Select(s => s ? $"{spec.Facet} > {t}" : $"{spec.Facet} ≤ {t}")];
        }

        return [.. raw.Rows.Select((_, r) => Cell(raw, r, facet) ?? "(missing)")];
    }

    /// <summary>Predicted labels are positive by the label's rule, or, for scores, above the probability threshold.</summary>
    private static bool[] Predicted(string[] texts, BiasSpec spec, string option, string column) => spec.ProbabilityThreshold is { } threshold
        ? [.. texts.Select((t, r) => Number(t, option, column, r) > threshold)]
        : Positive(texts, spec, option, column, requirePresent: false);

    /// <summary>Positive by the spec's values or threshold; without either, the values must read as booleans.</summary>
    private static bool[] Positive(string[] texts, BiasSpec spec, string option, string column, bool requirePresent)
    {
        if (spec.LabelThreshold is { } threshold)
        {
            if (spec.PositiveValues.Count > 0)
            {
                throw new BiasInputException("Give either --positive or --label-threshold, not both.");
            }

            return [.. texts.Select((t, r) => Number(t, option, column, r) > threshold)];
        }

        if (spec.PositiveValues.Count > 0)
        {
            var positive = spec.PositiveValues.ToHashSet(StringComparer.Ordinal);
            if (requirePresent && !texts.Any(positive.Contains))
            {
                throw new BiasInputException(
                    $"--positive: {string.Join(", ", spec.PositiveValues.Select(v => $"'{v}'"))} does not occur in column '{column}' (values: {Sample(texts.ToHashSet(StringComparer.Ordinal))}).");
            }

            // A model that predicts booleans answers true/false even when the label reads yes/no.
            if (!requirePresent && !texts.Any(positive.Contains) && texts.All(t => Bool(t) is not null))
            {
                return [.. texts.Select(t => Bool(t)!.Value)];
            }

            return [.. texts.Select(positive.Contains)];
        }

        var result = new bool[texts.Length];
        for (int r = 0; r < texts.Length; r++)
        {
            result[r] = Bool(texts[r]) ?? throw new BiasInputException(
                $"{option}: column '{column}' row {r + 1} has '{texts[r]}', which is not true/false, 1/0 or yes/no; say which values are positive with --positive or --label-threshold.");
        }

        return result;
    }

    private static double Number(string? text, string option, string column, int row) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new BiasInputException($"{option}: column '{column}' row {row + 1} has '{text ?? ""}', which is not a number; a threshold needs numbers.");

    public static bool? Bool(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "y" or "t" or "1.0" => true,
        "false" or "0" or "no" or "n" or "f" or "0.0" => false,
        _ => null,
    };

    /// <summary>The columns whose every cell is a number, row-major, for the flip test; missing cells make a column unusable.</summary>
    private static (double[][]? Rows, List<string> Names) Features(RawTable raw, IEnumerable<string> candidates)
    {
        var numeric = new List<double[]>();
        var names = new List<string>();
        foreach (var name in candidates)
        {
            int index = raw.Columns.ToList().IndexOf(name);
            if (index < 0)
            {
                continue;
            }

            var column = new double[raw.Rows.Count];
            bool ok = true;
            for (int r = 0; r < raw.Rows.Count && ok; r++)
            {
                ok = double.TryParse(raw.Rows[r][index], NumberStyles.Float, CultureInfo.InvariantCulture, out column[r]) && double.IsFinite(column[r]);
            }

            if (ok)
            {
                numeric.Add(column);
                names.Add(name);
            }
        }

        if (numeric.Count == 0)
        {
            return (null, names);
        }

        return ([.. Enumerable.Range(0, raw.Rows.Count).Select(r => numeric.Select(c => c[r]).ToArray())], names);
    }

    private static string Sample(HashSet<string> values) =>
        string.Join(", ", values.Order(StringComparer.Ordinal).Take(20)) + (values.Count > 20 ? ", …" : "");
}
