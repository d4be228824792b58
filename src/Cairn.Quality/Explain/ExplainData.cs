using System.Globalization;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Training.Data;

namespace Cairn.Quality.Explain;

/// <summary>
/// Reads the rows to explain from CSV (header row, comma-separated) or Parquet and types them as the model's signature
/// says. Every problem is a <see cref="FormatException"/> whose message names the column and, for values, the row.
/// </summary>
public static class ExplainData
{
    private static readonly string[] Missing = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"];

    /// <returns>The model's input columns and, when the data holds it, the label (named, or found in an ML.NET model's training schema).</returns>
    public static async Task<(Frame Inputs, Column? Label)> ReadAsync(string path, LoadedModel model, string? label, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new FormatException($"'{path}' does not exist.");
        }

        RawTable raw;
        try
        {
            raw = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
                ? await ParquetTable.ReadAsync(path, cancellationToken)
                : CsvTable.Read(path, ',', header: true, skipRows: 0, names: null);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or NotSupportedException || error.GetType().Namespace?.StartsWith("Parquet", StringComparison.Ordinal) == true)
        {
            throw new FormatException($"'{path}' cannot be read: {error.Message}", error);
        }

        if (raw.Rows.Count == 0)
        {
            throw new FormatException($"'{path}' has no data rows.");
        }

        var index = raw.Columns.Select((name, i) => (name, i)).GroupBy(p => p.name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        if (label is not null && !index.ContainsKey(label))
        {
            throw new FormatException($"--label: the data has no column '{label}'.");
        }

        var specs = model.Signature.Inputs.Columns.Where(c => c.Name is not null).ToList();
        List<Column> inputs;
        if (specs.Count > 0)
        {
            var missing = specs.Where(s => !index.ContainsKey(s.Name!)).Select(s => s.Name!).ToList();
            if (missing.Count > 0)
            {
                throw new FormatException($"The data lacks model input column(s) {string.Join(", ", missing)} (it has {string.Join(", ", raw.Columns.Take(30))}).");
            }

            var unsupported = specs.FirstOrDefault(s => s.IsArray || s.Type is null or DataType.Binary or DataType.DateTime);
            if (unsupported is not null)
            {
                throw new FormatException($"Model input '{unsupported.Name}' is {(unsupported.IsArray ? "an array" : unsupported.Type?.WireName() ?? "untyped")}; explanations take scalar number, boolean and text columns.");
            }

            inputs = specs.Select(s => Typed(raw, index[s.Name!], s.Name!, s.Type!.Value)).ToList();
        }
        else
        {
            // A tensor model (ONNX) takes the numeric columns side by side, in file order.
            inputs = raw.Columns.Where(c => c != label).Select(c => Typed(raw, index[c], c, DataType.Float)).ToList();
        }

        var labelName = label ?? DetectLabel(model, index.Keys, inputs);
        Column? labelColumn = null;
        if (labelName is not null && model is MlNetModel mlnet && mlnet.InputSchema.GetColumnOrNull(labelName) is { } trained)
        {
            var type = trained.Type.RawType == typeof(bool) ? DataType.Boolean : trained.Type.RawType == typeof(float) ? DataType.Float : DataType.String;
            labelColumn = Typed(raw, index[labelName], labelName, type);
        }

        return (new Frame(inputs), labelColumn);
    }

    /// <summary>An ML.NET model remembers every column it was trained with: one that is not an input but is in the data is the label.</summary>
    private static string? DetectLabel(LoadedModel model, IEnumerable<string> dataColumns, List<Column> inputs) =>
        model is MlNetModel mlnet
            ? mlnet.InputSchema.Where(c => !c.IsHidden && inputs.All(i => i.Name != c.Name)).Select(c => c.Name).FirstOrDefault(dataColumns.Contains)
            : null;

    private static Column Typed(RawTable raw, int column, string name, DataType type)
    {
        var rows = raw.Rows;
        string? Cell(int r) => rows[r][column]?.Trim();
        bool IsMissing(int r) => Cell(r) is not { } text || Missing.Contains(text);
        FormatException Bad(int r, string what) => new($"Column '{name}' row {r + 1} has '{Cell(r)}', which is not {what}.");
        switch (type)
        {
            case DataType.Float:
                return Column.Of(name, Enumerable.Range(0, rows.Count).Select(r => IsMissing(r) ? float.NaN
                    : float.TryParse(Cell(r), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(r, "a number")).ToArray());
            case DataType.Double:
                return Column.Of(name, Enumerable.Range(0, rows.Count).Select(r => IsMissing(r) ? double.NaN
                    : double.TryParse(Cell(r), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(r, "a number")).ToArray());
            case DataType.Integer:
                return Column.Of(name, Enumerable.Range(0, rows.Count).Select(r =>
                    int.TryParse(Cell(r), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(r, "an integer")).ToArray());
            case DataType.Long:
                return Column.Of(name, Enumerable.Range(0, rows.Count).Select(r =>
                    long.TryParse(Cell(r), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(r, "an integer")).ToArray());
            case DataType.Boolean:
                return Column.Of(name, Enumerable.Range(0, rows.Count).Select(r => Cell(r)?.ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" or "y" or "t" or "1.0" => true,
                    "false" or "0" or "no" or "n" or "f" or "0.0" => false,
                    _ => throw Bad(r, "true/false"),
                }).ToArray());
            default:
                return Column.Of(name, Enumerable.Range(0, rows.Count).Select(r => (string?)(rows[r][column] ?? "")).ToArray());
        }
    }
}
