using System.Diagnostics;
using System.Threading.Channels;

namespace Cairn.Serving.Batching;

/// <summary>
/// Merges concurrent requests for one model into one call: a single worker takes the first queued request, adds the
/// ones queued behind it that can merge (up to the batch size, waiting at most the latency budget), predicts once and
/// hands each request its own rows. A failed merged call is retried request by request, so one bad request fails alone
/// and rows never cross requests.
/// </summary>
internal sealed class Batcher<TInput, TOutput> : IDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly IBatchShape<TInput, TOutput> _shape;
    private readonly Func<TInput, TOutput> _predict;
    private readonly int _maxRows;
    private readonly long _maxWaitTicks;

    public Batcher(IBatchShape<TInput, TOutput> shape, Func<TInput, TOutput> predict, BatchingOptions options, BatchStatistics statistics)
    {
        _shape = shape;
        _predict = predict;
        _maxRows = options.MaxBatchSize;
        _maxWaitTicks = (long)(options.MaxLatencyMs * Stopwatch.Frequency / 1000);
        Statistics = statistics;
        _ = Task.Run(WorkAsync);
    }

    public BatchStatistics Statistics { get; }

    public Task<TOutput> PredictAsync(TInput input)
    {
        var pending = new Pending(input, _shape.Rows(input), Stopwatch.GetTimestamp());
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(Batcher<TInput, TOutput>), "The model server is stopping.");
        }

        return pending.Completion.Task;
    }

    /// <summary>Stops taking requests; those already queued are still answered by the worker.</summary>
    public void Dispose() => _queue.Writer.TryComplete();

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>();
        Pending? carried = null;
        while (carried is not null || await reader.WaitToReadAsync())
        {
            if (carried is null && !reader.TryRead(out carried))
            {
                continue;
            }

            batch.Clear();
            batch.Add(carried);
            var first = carried;
            carried = null;
            var rows = first.Rows;
            var deadline = first.Enqueued + _maxWaitTicks;
            while (rows < _maxRows)
            {
                if (reader.TryRead(out var next))
                {
                    if (rows + next.Rows > _maxRows || !_shape.CanMerge(first.Input, next.Input))
                    {
                        // It starts the next batch; requests are still answered in arrival order.
                        carried = next;
                        break;
                    }

                    batch.Add(next);
                    rows += next.Rows;
                    continue;
                }

                var wait = deadline - Stopwatch.GetTimestamp();
                if (wait <= 0)
                {
                    break;
                }

                var more = reader.WaitToReadAsync().AsTask();
                if (await Task.WhenAny(more, Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency))) != more || !await more)
                {
                    break;
                }
            }

            Run(batch);
        }
    }

    private void Run(List<Pending> batch)
    {
        if (batch.Count == 1)
        {
            RunAlone(batch[0]);
            return;
        }

        IReadOnlyList<TOutput>? parts;
        try
        {
            var rows = batch.Select(p => p.Rows).ToList();
            Statistics.Observe(rows.Sum());
            parts = _shape.Split(_predict(_shape.Merge(batch.Select(p => p.Input).ToList())), rows);
        }
        catch (Exception)
        {
            parts = null;
        }

        if (parts is null)
        {
            batch.ForEach(RunAlone);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(parts[i]);
        }
    }

    private void RunAlone(Pending pending)
    {
        Statistics.Observe(pending.Rows);
        try
        {
            pending.Completion.TrySetResult(_predict(pending.Input));
        }
        catch (Exception error)
        {
            pending.Completion.TrySetException(error);
        }
    }

    private sealed class Pending(TInput input, int rows, long enqueued)
    {
        public TInput Input { get; } = input;

        public int Rows { get; } = rows;

        public long Enqueued { get; } = enqueued;

        public TaskCompletionSource<TOutput> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
