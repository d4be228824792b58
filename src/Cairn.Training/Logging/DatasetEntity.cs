using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cairn.Contracts.Mlflow;
using Cairn.Models.Data;
using Cairn.Models.Package;

namespace Cairn.Training.Logging;

/// <summary>MLflow's dataset entity for a run input: name, 8-character digest, source, column schema and row count.</summary>
public static class DatasetEntity
{
    /// <summary>For a file: the digest hashes the file's bytes, so the same file always has the same digest.</summary>
    public static DatasetDto ForFile(string path, Frame data)
    {
        using var file = File.OpenRead(path);
        var digest = Convert.ToHexStringLower(SHA256.HashData(file))[..8];
        return Create(Path.GetFileNameWithoutExtension(path), digest, "local", JsonSerializer.Serialize(new Dictionary<string, string> { ["uri"] = path }), data, data.RowCount);
    }

    /// <summary>
    /// For data in memory: the digest hashes the column names, types and the values of <paramref name="sample"/>
    /// (MLflow hashes at most the first 10,000 rows the same way), plus the full row count.
    /// </summary>
    public static DatasetDto ForData(string name, Frame sample, long rowCount, string source = "{}")
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var column in sample.Columns)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{column.Name}:{column.Type}:{column.IsArray}\n"));
            for (var row = 0; row < column.Length; row++)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(Text(column[row]) + "\u001f"));
            }
        }

        hash.AppendData(Encoding.UTF8.GetBytes(rowCount.ToString(CultureInfo.InvariantCulture)));
        var digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..8];
        return Create(name, digest, "code", source, sample, rowCount);
    }

    private static DatasetDto Create(string name, string digest, string sourceType, string source, Frame data, long rowCount)
    {
        var schema = SignatureSchema.Of(data.Columns.Select(c => new ColumnSpec(c.Name, c.Type, IsArray: c.IsArray)).ToArray());
        return new DatasetDto(name, digest, sourceType, source,
            $"{{\"mlflow_colspec\": {schema.ToJson()}}}",
            $"{{\"num_rows\": {rowCount}, \"num_elements\": {rowCount * data.Columns.Count}}}");
    }

    private static string Text(object? value) => value switch
    {
        null => "\u0000",
        Array array => string.Join(",", array.Cast<object?>().Select(Text)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
