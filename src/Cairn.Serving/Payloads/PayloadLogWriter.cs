using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cairn.Serving.Payloads;

/// <summary>
/// Appends payload records to JSONL files off the request path: requests only enqueue, this service writes. One file
/// per model and UTC hour, so monitoring jobs can pick up whole hours. A full queue drops records and counts them.
/// </summary>
public sealed class PayloadLogWriter : BackgroundService
{
    private readonly Channel<PayloadRecord> _queue;
    private readonly PayloadLogOptions _options;
    private long _written;
    private long _dropped;

    public PayloadLogWriter(IOptions<Hosting.ServingOptions> options)
    {
        _options = options.Value.PayloadLog;
        _queue = Channel.CreateBounded<PayloadRecord>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        }, _ => Interlocked.Increment(ref _dropped));
    }

    public long Written => Interlocked.Read(ref _written);

    public long Dropped => Interlocked.Read(ref _dropped);

    internal bool ShouldSample() => _options.SampleRate >= 1 || Random.Shared.NextDouble() < _options.SampleRate;

    internal void Enqueue(PayloadRecord record) => _queue.Writer.TryWrite(record);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var files = new Dictionary<string, Stream>(StringComparer.Ordinal);
        try
        {
            // On shutdown the queue is completed and drained, so records of answered requests are not lost.
            using var stopping = stoppingToken.Register(() => _queue.Writer.TryComplete());
            await foreach (var record in _queue.Reader.ReadAllAsync(CancellationToken.None))
            {
                var path = PathFor(record);
                if (!files.TryGetValue(path, out var file))
                {
                    foreach (var open in files.Values)
                    {
                        await open.DisposeAsync(); // The hour has turned (or another model): keep one file open per path.
                    }

                    files.Clear();
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
                    file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
                    files[path] = file;
                }

                Write(file, record);
                Interlocked.Increment(ref _written);
                if (_queue.Reader.Count == 0)
                {
                    await file.FlushAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            foreach (var file in files.Values)
            {
                await file.DisposeAsync();
            }
        }
    }

    private string PathFor(PayloadRecord record) => System.IO.Path.Combine(
        _options.Directory!,
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
    /// A JSON body is embedded as compact JSON (so each record stays on one line); anything else (CSV, or JSON that
    /// does not parse) as text.
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

        writer.WriteString(name + "_text", Encoding.UTF8.GetString(body));
    }
}
