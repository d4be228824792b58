using System.Globalization;

namespace Cairn.Serving.Payloads;

/// <summary>
/// Parquet payload files, one per model, version, UTC hour and column layout. Rows are buffered and written as a row
/// group once <see cref="PayloadLogOptions.RowGroupRows"/> are waiting or <see cref="PayloadLogOptions.FlushSeconds"/>
/// have passed; a file is written as <c>.parquet.tmp</c> and renamed to <c>.parquet</c> when closed (its hour is over,
/// or the server stops), so a reader never sees one without its footer. Only answered predictions are logged.
/// </summary>
internal sealed class ParquetPayloadSink(PayloadLogOptions options) : IPayloadSink
{
    private readonly Dictionary<string, ParquetPayloadFile> _files = new(StringComparer.Ordinal);
    private DateTimeOffset _lastFlush = DateTimeOffset.MinValue;

    public async Task WriteAsync(PayloadRecord record)
    {
        if (record.Status != 200)
        {
            return;
        }

        var layout = PayloadLayout.Of(record);
        var hour = Hour(record.Time);
        var key = string.Join('\n', record.Model, record.Version, hour.ToString("O", CultureInfo.InvariantCulture), layout.Key);
        if (!_files.TryGetValue(key, out var file))
        {
            await CloseAsync(f => f.Model == record.Model && f.Hour < hour);
            var folder = Path.Combine(options.Directory!, record.Model, hour.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            var name = $"payloads-{hour.ToString("HH", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..12]}.parquet";
            file = new ParquetPayloadFile(Path.Combine(folder, name), record.Model, hour, layout);
            _files[key] = file;
        }

        file.Add(record);
        if (file.PendingRows >= options.RowGroupRows)
        {
            await file.FlushAsync();
        }
    }

    public async Task IdleAsync(DateTimeOffset now)
    {
        if (now - _lastFlush < TimeSpan.FromSeconds(options.FlushSeconds))
        {
            return;
        }

        _lastFlush = now;
        await CloseAsync(f => f.Hour < Hour(now));
        foreach (var file in _files.Values)
        {
            await file.FlushAsync();
        }
    }

    public ValueTask DisposeAsync() => new(CloseAsync(_ => true));

    private async Task CloseAsync(Func<ParquetPayloadFile, bool> which)
    {
        foreach (var (key, file) in _files.Where(f => which(f.Value)).ToList())
        {
            await file.CloseAsync();
            _files.Remove(key);
        }
    }

    private static DateTime Hour(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);
    }
}
