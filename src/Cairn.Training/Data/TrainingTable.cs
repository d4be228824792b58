using System.Globalization;
using Cairn.Models.Data;
using Cairn.Training.Evaluation;
using Cairn.Training.Jobs;
using Cairn.Training.Trainers;

namespace Cairn.Training.Data;

/// <summary>
/// The typed table a job trains on: its features (numeric as float, booleans, categorical and text as strings) and its label
/// (bool for binary, class name for multiclass, float for regression). Every problem names the column and, for values, the row.
/// </summary>
public sealed record TrainingTable(Frame Frame, IReadOnlyList<FeatureSpec> Features, string Label)
{
    private static readonly string[] Missing = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"];

    public static TrainingTable Build(RawTable raw, DataSpec spec, PredictionTask task)
    {
        if (raw.Rows.Count == 0)
        {
            throw TrainingSpecException.One($"data: '{spec.Path}' has no data rows.");
        }

        var index = raw.Columns.Select((name, i) => (name, i)).GroupBy(p => p.name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var problems = new List<string>();
        void RequireColumn(string key, string name)
        {
            if (!index.ContainsKey(name))
            {
                problems.Add($"{key}: no column '{name}' in the data (columns: {string.Join(", ", raw.Columns.Take(40))}{(raw.Columns.Count > 40 ? ", …" : "")}).");
            }
        }

        RequireColumn("data.label", spec.Label);
        foreach (var name in spec.Ignore)
        {
            RequireColumn("data.ignore", name);
        }

        foreach (var feature in spec.Features ?? [])
        {
            RequireColumn("data.features", feature.Name);
        }

        if (problems.Count > 0)
        {
            throw new TrainingSpecException(problems);
        }

        var features = spec.Features?.ToList() ?? raw.Columns
            .Where(c => c != spec.Label && !spec.Ignore.Contains(c))
            .Select(c => new FeatureSpec(c, AllNumeric(raw, index[c]) ? FeatureKind.Numeric : FeatureKind.Categorical))
            .ToList();
        if (features.Count == 0)
        {
            throw TrainingSpecException.One("data.features: no feature columns remain.");
        }

        foreach (var reserved in features.Where(f => f.Name is TrainerCatalog.FeaturesColumn or TrainerCatalog.LabelColumn && f.Name != spec.Label))
        {
            problems.Add($"data.features: '{reserved.Name}' is a name the pipeline uses itself; rename the column (data.columns).");
        }

        var columns = new List<Column>();
        foreach (var feature in features)
        {
            try
            {
                columns.Add(FeatureColumn(raw, index[feature.Name], feature));
            }
            catch (FormatException error)
            {
                problems.Add(error.Message);
            }
        }

        try
        {
            columns.Add(LabelColumn(raw, index[spec.Label], spec, task));
        }
        catch (FormatException error)
        {
            problems.Add(error.Message);
        }

        return problems.Count > 0 ? throw new TrainingSpecException(problems) : new TrainingTable(new Frame(columns), features, spec.Label);
    }

    private static bool AllNumeric(RawTable raw, int column) =>
        raw.Rows.All(r => r[column] is not { } v || Missing.Contains(v.Trim()) || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

    private static Column FeatureColumn(RawTable raw, int column, FeatureSpec feature)
    {
        var rows = raw.Rows;
        switch (feature.Kind)
        {
            case FeatureKind.Numeric:
                var numbers = new float[rows.Count];
                for (var r = 0; r < rows.Count; r++)
                {
                    numbers[r] = Number(rows[r][column], feature.Name, r);
                }

                return Column.Of(feature.Name, numbers);
            case FeatureKind.Boolean:
                return Column.Of(feature.Name, rows.Select((row, r) => Bool(row[column], feature.Name, r)
                    ?? throw new FormatException($"data: column '{feature.Name}' row {r + 1} has '{row[column]}', which is not true/false, 1/0 or yes/no.")).ToArray());
            default:
                return Column.Of(feature.Name, rows.Select(row => (string?)(row[column] ?? "")).ToArray());
        }
    }

    private static Column LabelColumn(RawTable raw, int column, DataSpec spec, PredictionTask task)
    {
        var values = raw.Rows.Select(r => r[column]?.Trim() ?? "").ToList();
        switch (task)
        {
            case PredictionTask.BinaryClassification:
                var labels = new bool[values.Count];
                for (var r = 0; r < values.Count; r++)
                {
                    labels[r] = spec.PositiveClass is { } positive ? values[r] == positive
                        : Bool(values[r], spec.Label, r) ?? throw new FormatException(
                            $"data.label: binary labels must be true/false, 1/0 or yes/no; row {r + 1} has '{values[r]}' (or set data.positive_class).");
                }

                if (labels.All(l => l) || labels.All(l => !l))
                {
                    throw new FormatException($"data.label: every row has the label {labels[0].ToString().ToLowerInvariant()}; a binary task needs both classes.");
                }

                return Column.Of(spec.Label, labels);
            case PredictionTask.MulticlassClassification:
                if (values.Distinct().Count() < 2)
                {
                    throw new FormatException("data.label: a multiclass task needs at least two classes.");
                }

                return Column.Of(spec.Label, values.Select(v => (string?)v).ToArray());
            default:
                var numbers = new float[values.Count];
                for (var r = 0; r < values.Count; r++)
                {
                    numbers[r] = Number(values[r], spec.Label, r);
                    if (float.IsNaN(numbers[r]))
                    {
                        throw new FormatException($"data.label: row {r + 1} has no value; a regression label must be a number in every row.");
                    }
                }

                return Column.Of(spec.Label, numbers);
        }
    }

    private static float Number(string? text, string column, int row)
    {
        if (text is null || Missing.Contains(text.Trim()))
        {
            return float.NaN;
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"data: column '{column}' row {row + 1} has '{text}', which is not a number (declare the column categorical in data.features?).");
    }

    private static bool? Bool(string? text, string column, int row) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "y" or "t" or "1.0" => true,
        "false" or "0" or "no" or "n" or "f" or "0.0" => false,
        _ => null,
    };
}
