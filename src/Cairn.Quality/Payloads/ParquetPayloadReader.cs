using System.Globalization;
using System.Runtime.CompilerServices;
using Cairn.Training.Data;

namespace Cairn.Quality.Payloads;

/// <summary>
/// Parquet payload files: one row per prediction, with metadata columns (<c>timestamp</c> or <c>time</c>, <c>model</c>,
/// <c>version</c> or <c>model_version</c>, <c>request_id</c>, and the other bookkeeping fields of the JSONL records), the
/// input features as columns named after them, and the model's outputs as columns prefixed <c>prediction.</c>,
/// <c>prediction_</c>, <c>output.</c> or <c>output_</c> (or named <c>prediction</c>). A file without a time column is
/// read whole, as plain rows. This is the layout <c>cairn serve --payload-log-format parquet</c> writes: one row per
/// scored row (its position in the request in <c>row</c>), a feature named like a bookkeeping column prefixed
/// <c>input_</c>, and tensor models' requests as JSON text in <c>input_json</c>, which has no column names to compare.
/// </summary>
public sealed class ParquetPayloadReader : IPayloadFileReader
{
    private static readonly HashSet<string> TimeColumns = new(["timestamp", "time"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> Bookkeeping = new(
        ["timestamp", "time", "model", "model_name", "version", "model_version", "request_id", "requestid", "id", "protocol", "path", "status",
         "latency_ms", "row"], StringComparer.OrdinalIgnoreCase);

    private const string InputPrefix = "input_";
    private const string TensorRequests = "input_json";

    private static readonly string[] OutputPrefixes = ["prediction.", "prediction_", "output.", "output_"];

    public bool CanRead(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    public async IAsyncEnumerable<PayloadRow> ReadAsync(string path, PayloadWindow window, PayloadReadStats stats,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await ParquetTable.ReadAsync(path, cancellationToken);
        int time = IndexOf(table, TimeColumns);
        int model = IndexOf(table, ["model", "model_name"]);
        int version = IndexOf(table, ["version", "model_version"]);
        int status = IndexOf(table, ["status"]);
        var inputs = new List<(int Index, string Name)>();
        var outputs = new List<(int Index, string Name)>();
        bool tensors = IndexOf(table, [TensorRequests]) >= 0;
        for (int c = 0; c < table.Columns.Count; c++)
        {
            var name = table.Columns[c];
            if (name.StartsWith(InputPrefix, StringComparison.OrdinalIgnoreCase) && Bookkeeping.Contains(name[InputPrefix.Length..]))
            {
                inputs.Add((c, name[InputPrefix.Length..]));
            }
            else if (OutputName(name) is { } output)
            {
                outputs.Add((c, output));
            }
            else if (!Bookkeeping.Contains(name))
            {
                inputs.Add((c, name));
            }
        }

        foreach (var cells in table.Rows)
        {
            var at = DateTimeOffset.MinValue;
            if (time >= 0 && !DateTimeOffset.TryParse(cells[time], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
            {
                throw new InvalidDataException($"'{path}': '{cells[time]}' in column '{table.Columns[time]}' is not a time.");
            }

            if (time >= 0 && !window.Contains(at))
            {
                continue;
            }

            stats.Records++;
            if (status >= 0 && int.TryParse(cells[status], CultureInfo.InvariantCulture, out int code) && code is < 200 or >= 300)
            {
                stats.FailedRequests++;
                continue;
            }

            if (tensors)
            {
                stats.UnreadableRequests++;
                continue;
            }

            yield return new PayloadRow(at, model >= 0 ? cells[model] ?? "" : "", version >= 0 ? cells[version] : null,
                inputs.Select(i => new KeyValuePair<string, string?>(i.Name, cells[i.Index])).ToList(),
                outputs.Select(o => new KeyValuePair<string, string?>(o.Name, cells[o.Index])).ToList());
        }
    }

    /// <summary>The output's name without its prefix, or null for a column that is not an output.</summary>
    private static string? OutputName(string column)
    {
        if (string.Equals(column, PayloadBodies.SinglePrediction, StringComparison.OrdinalIgnoreCase))
        {
            return PayloadBodies.SinglePrediction;
        }

        var prefix = OutputPrefixes.FirstOrDefault(p => column.StartsWith(p, StringComparison.OrdinalIgnoreCase) && column.Length > p.Length);
        return prefix is null ? null : column[prefix.Length..];
    }

    private static int IndexOf(RawTable table, IEnumerable<string> names)
    {
        var set = names.ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (int c = 0; c < table.Columns.Count; c++)
        {
            if (set.Contains(table.Columns[c]))
            {
                return c;
            }
        }

        return -1;
    }
}
