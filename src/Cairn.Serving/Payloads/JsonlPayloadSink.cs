using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cairn.Serving.Payloads;

/// <summary>One JSON record per line, one file per model and UTC hour, appended to and flushed whenever the queue empties.</summary>
internal sealed class JsonlPayloadSink(PayloadLogOptions options) : IPayloadSink
{
    private readonly Dictionary<string, Stream> _files = new(StringComparer.Ordinal);

    public async Task WriteAsync(PayloadRecord record)
    {
        var path = PathFor(record);
        if (!_files.TryGetValue(path, out var file))
        {
            await CloseAllAsync(); // The hour has turned (or another model): keep one file open per path.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
            _files[path] = file;
        }

        Write(file, record);
    }

    public async Task IdleAsync(DateTimeOffset now)
    {
        foreach (var file in _files.Values)
        {
            await file.FlushAsync(CancellationToken.None);
        }
    }

    public ValueTask DisposeAsync() => new(CloseAllAsync());

    private async Task CloseAllAsync()
    {
        foreach (var open in _files.Values)
        {
            await open.DisposeAsync();
        }

        _files.Clear();
    }

    private string PathFor(PayloadRecord record) => Path.Combine(
        options.Directory!,
        record.Model,
        record.Time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        $"payloads-{record.Time.UtcDateTime.ToString("HH", CultureInfo.InvariantCulture)}.jsonl");

    private static void Write(Stream file, PayloadRecord record)
    {
        using (var writer = new Utf8JsonWriter(file))
        {
            writer.WriteStartObject();
            writer.WriteString("time", record.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("request_id", record.RequestId);
            writer.WriteString("model", record.Model);
            if (record.Version is not null)
            {
                writer.WriteString("model_version", record.Version);
            }

            writer.WriteString("protocol", record.Protocol);
            writer.WriteString("path", record.Path);
            writer.WriteNumber("status", record.Status);
            writer.WriteNumber("latency_ms", Math.Round(record.LatencyMs, 3));
            WriteBody(writer, "request", record.Request, record.RequestContentType);
            WriteBody(writer, "response", record.Response, "application/json");
            writer.WriteEndObject();
        }

        file.WriteByte((byte)'\n');
    }

    /// <summary>
    /// A JSON body is embedded as compact JSON (so each record stays on one line); CSV, or JSON that does not parse, as
    /// text; binary bodies (tensor data after a JSON header) as base64.
    /// </summary>
    private static void WriteBody(Utf8JsonWriter writer, string name, byte[] body, string? contentType)
    {
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                writer.WritePropertyName(name);
                document.WriteTo(writer);
                return;
            }
            catch (JsonException)
            {
                // Logged as text below: the client sent something that is not JSON.
            }
        }

        if (contentType?.Contains("octet-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            writer.WriteBase64String(name + "_base64", body);
            return;
        }

        writer.WriteString(name + "_text", Encoding.UTF8.GetString(body));
    }
}
