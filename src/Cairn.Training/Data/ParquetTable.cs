using System.Globalization;
using Parquet.Serialization;

namespace Cairn.Training.Data;

/// <summary>A Parquet file read into text cells (typed again from the spec, exactly like CSV).</summary>
public static class ParquetTable
{
    public static async Task<RawTable> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var result = await ParquetSerializer.DeserializeUntypedAsync(file, cancellationToken: cancellationToken);
        var columns = result.Schema.GetDataFields().Select(f => f.Name).ToList();
        var rows = result.Data.Select(row => columns.Select(c => Text(row.TryGetValue(c, out var v) ? v : null)).ToArray()).ToList();
        return new RawTable(columns, rows);
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
