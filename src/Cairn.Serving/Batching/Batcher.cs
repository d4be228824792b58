using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cairn.Serving.Batching;

/// <summary>
/// Merges concurrent requests for one model into one call. There is no batching thread: a request that finds fewer
/// model calls running than the machine has cores runs one itself, taking the queued requests that can merge with the
/// first (up to the batch size, after waiting at most the latency budget), predicting once and handing each request its
/// own rows; it keeps going while requests are queued. An idle server so answers at once on the request's own thread,
/// and a busy one batches what piled up during the previous call. A failed merged call is retried request by request, so
/// one bad request fails alone and rows never cross requests.
/// </summary>
internal sealed class Batcher<TInput, TOutput> : IDisposable
{
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly IBatchShape<TInput, TOutput> _shape;
    private readonly Func<TInput, TOutput> _predict;
    private readonly int _maxRows;
    private readonly long _maxWaitTicks;
    private readonly int _maxRunners = Environment.ProcessorCount;
    private int _runners;
    private volatile bool _stopping;

    public Batcher(IBatchShape<TInput, TOutput> shape, Func<TInput, TOutput> predict, BatchingOptions options, BatchStatistics statistics)
    {
        _shape = shape;
        _predict = predict;
        _maxRows = options.MaxBatchSize;
        _maxWaitTicks = (long)(options.MaxLatencyMs * Stopwatch.Frequency / 1000);
        Statistics = statistics;
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
        // Without a latency budget this completes synchronously, usually with this request answered.
        _ = RunAsync();
        return pending.Completion.Task;
    }

    /// <summary>Stops taking requests; those already queued are answered by the calls running.</summary>
    public void Dispose() => _stopping = true;

    /// <summary>
    /// Becomes a runner if a slot is free and drains the queue. The enqueue-then-check here and the release-then-check
    /// below are both full fences, so a request is never left queued with no runner.
    /// </summary>
    private async Task RunAsync()
    {
        while (!_queue.IsEmpty)
        {
            var runners = Volatile.Read(ref _runners);
            if (runners >= _maxRunners)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _runners, runners + 1, runners) != runners)
            {
                continue;
            }

            try
            {
                await DrainAsync();
            }
            finally
            {
                Interlocked.Decrement(ref _runners);
            }
        }
    }

    private async Task DrainAsync()
    {
        var batch = new List<Pending>();
        Pending? carried = null;
        while (carried is not null || _queue.TryDequeue(out carried))
        {
            var first = carried;
            carried = null;
            batch.Clear();
            batch.Add(first);
            var rows = first.Rows;
            var waited = false;
            while (rows < _maxRows)
            {
                if (_queue.TryDequeue(out var next))
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

                var wait = first.Enqueued + _maxWaitTicks - Stopwatch.GetTimestamp();
                if (waited || wait <= 0)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                waited = true;
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
