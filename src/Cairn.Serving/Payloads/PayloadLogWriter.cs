using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cairn.Serving.Payloads;

/// <summary>
/// Writes payload records off the request path: requests only enqueue, this service writes them to JSONL or Parquet
/// files, one per model and UTC hour, so monitoring jobs can pick up whole hours. A full queue drops records and
/// counts them.
/// </summary>
public sealed class PayloadLogWriter : BackgroundService
{
    private readonly Channel<PayloadRecord> _queue;
    private readonly PayloadLogOptions _options;
    private readonly TimeProvider _time;
    private long _written;
    private long _dropped;

    public PayloadLogWriter(IOptions<Hosting.ServingOptions> options, TimeProvider? time = null)
    {
        _options = options.Value.PayloadLog;
        _time = time ?? TimeProvider.System;
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
        await using IPayloadSink sink = _options.Format == PayloadLogFormat.Parquet ? new ParquetPayloadSink(_options) : new JsonlPayloadSink(_options);

        // On shutdown the queue is completed and drained, so records of answered requests are not lost.
        using var stopping = stoppingToken.Register(() => _queue.Writer.TryComplete());
        var interval = TimeSpan.FromSeconds(_options.FlushSeconds);
        while (true)
        {
            bool more;
            using (var wait = new CancellationTokenSource(interval, _time))
            {
                try
                {
                    more = await _queue.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (wait.IsCancellationRequested)
                {
                    await sink.IdleAsync(_time.GetUtcNow());
                    continue;
                }
            }

            if (!more)
            {
                return;
            }

            while (_queue.Reader.TryRead(out var record))
            {
                await sink.WriteAsync(record);
                Interlocked.Increment(ref _written);
            }

            await sink.IdleAsync(_time.GetUtcNow());
        }
    }
}
