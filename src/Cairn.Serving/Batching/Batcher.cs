using System.Diagnostics;
using System.Collections.Concurrent;

namespace Cairn.Serving.Batching;

/// <summary>
/// Merges concurrent requests for one model into one call: a dedicated worker thread takes the first queued request,
/// adds the ones queued behind it that can merge (up to the batch size, waiting at most the latency budget), predicts
/// once and hands each request its own rows. A failed merged call is retried request by request, so one bad request
/// fails alone and rows never cross requests. The worker is a thread of its own because under load the thread pool's
/// queue is full of request continuations, and a worker queued behind them would leave the model idle.
/// </summary>
internal sealed class Batcher<TInput, TOutput> : IDisposable
{
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly IBatchShape<TInput, TOutput> _shape;
    private readonly Func<TInput, TOutput> _predict;
    private readonly int _maxRows;
    private readonly long _maxWaitTicks;
    private volatile bool _stopping;

    public Batcher(IBatchShape<TInput, TOutput> shape, Func<TInput, TOutput> predict, BatchingOptions options, BatchStatistics statistics, string name)
    {
        _shape = shape;
        _predict = predict;
        _maxRows = options.MaxBatchSize;
        _maxWaitTicks = (long)(options.MaxLatencyMs * Stopwatch.Frequency / 1000);
        Statistics = statistics;
        new Thread(Work) { IsBackground = true, Name = $"batcher {name}" }.Start();
    }

    public BatchStatistics Statistics { get; }

    public Task<TOutput> PredictAsync(TInput input)
    {
        if (_stopping)
        {
            throw new ObjectDisposedException(nameof(Batcher<TInput, TOutput>), "The model server is stopping.");
        }

        var pending = new Pending(input, _shape.Rows(input), Stopwatch.GetTimestamp());
        _queue.Enqueue(pending);
        _queued.Release();
        return pending.Completion.Task;
    }

    /// <summary>Stops taking requests; those already queued are still answered by the worker.</summary>
    public void Dispose()
    {
        _stopping = true;
        _queued.Release();
    }

    private void Work()
    {
        var batch = new List<Pending>();
        Pending? carried = null;
        while (true)
        {
            if (carried is null)
            {
                _queued.Wait();
                if (!_queue.TryDequeue(out carried))
                {
                    if (_stopping)
                    {
                        return;
                    }

                    continue;
                }
            }

            batch.Clear();
            batch.Add(carried);
            var first = carried;
            carried = null;
            var rows = first.Rows;
            var deadline = first.Enqueued + _maxWaitTicks;
            while (rows < _maxRows)
            {
                var wait = Math.Max(0, deadline - Stopwatch.GetTimestamp());
                if (!_queued.Wait(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency)) || !_queue.TryDequeue(out var next))
                {
                    break;
                }

                if (rows + next.Rows > _maxRows || !_shape.CanMerge(first.Input, next.Input))
                {
                    // It starts the next batch; requests are still answered in arrival order.
                    carried = next;
                    break;
                }

                batch.Add(next);
                rows += next.Rows;
            }

            Run(batch);
            if (_stopping && carried is null && _queue.IsEmpty)
            {
                return;
            }
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
