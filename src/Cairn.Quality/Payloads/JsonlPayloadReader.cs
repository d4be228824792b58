using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Cairn.Quality.Payloads;

/// <summary>
/// The JSONL files <c>cairn serve --payload-log</c> writes: one record per line with <c>time</c>, <c>model</c>,
/// <c>model_version</c>, <c>protocol</c> (mlflow or oip), <c>status</c>, and the bodies as <c>request</c>/<c>response</c>
/// (JSON) or <c>request_text</c>/<c>response_text</c> (CSV or anything else). Only answered requests (status 2xx) carry
/// predictions; the others are counted and skipped.
/// </summary>
public sealed class JsonlPayloadReader : IPayloadFileReader
{
    public bool CanRead(string path) => path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    public async IAsyncEnumerable<PayloadRow> ReadAsync(string path, PayloadWindow window, PayloadReadStats stats,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        int lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            List<PayloadRow> rows;
            try
            {
                using var document = JsonDocument.Parse(line);
                rows = Rows(document.RootElement, window, stats, path, lineNumber);
            }
            catch (JsonException)
            {
                // A line cut short by a crash is the usual cause: the rest of the file is still worth reading.
                stats.UnreadableRequests++;
                continue;
            }

            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }

    private static List<PayloadRow> Rows(JsonElement record, PayloadWindow window, PayloadReadStats stats, string path, int line)
    {
        if (record.ValueKind != JsonValueKind.Object || !record.TryGetProperty("time", out var timeJson) || timeJson.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(timeJson.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new InvalidDataException($"'{path}' line {line} is not a payload record (no \"time\").");
        }

        if (!window.Contains(time))
        {
            return [];
        }

        stats.Records++;
        if (record.TryGetProperty("status", out var status) && status.TryGetInt32(out int code) && code is < 200 or >= 300)
        {
            stats.FailedRequests++;
            return [];
        }

        bool oip = record.TryGetProperty("protocol", out var protocol) && protocol.GetString() == "oip";
        var inputs = record.TryGetProperty("request", out var request) ? oip ? PayloadBodies.OipRequest(request) : PayloadBodies.MlflowRequest(request)
            : record.TryGetProperty("request_text", out var text) && text.GetString() is { } csv ? PayloadBodies.Csv(csv)
            : null;
        if (inputs is null)
        {
            stats.UnreadableRequests++;
            return [];
        }

        var outputs = record.TryGetProperty("response", out var response)
            ? oip ? PayloadBodies.OipResponse(response, inputs.Count) : PayloadBodies.MlflowResponse(response, inputs.Count)
            : null;
        if (outputs is null)
        {
            stats.UnreadableResponses++;
        }

        var model = record.TryGetProperty("model", out var name) ? name.GetString() ?? "" : "";
        var version = record.TryGetProperty("model_version", out var v) ? v.GetString() : null;
        return inputs.Select((row, i) => new PayloadRow(time, model, version, row, outputs?[i] ?? [])).ToList();
    }
}
