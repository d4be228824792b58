using System.Threading.Channels;
using Cairn.Contracts.Mlflow;

namespace Cairn.Client;

/// <summary>
/// Sends a run's metrics, params and tags in the background as log-batch requests. Metric-only batches go out
/// several at a time; a batch with params or tags waits for everything before it and is sent alone, so a later
/// tag value always wins. A flush marker completes once everything queued before it has been acknowledged.
/// </summary>
internal sealed class RunLogBuffer
{
    // MLflow's log-batch limits.
    private const int MaxMetrics = 1000;
    private const int MaxParams = 100;
    private const int MaxTags = 100;
    private const int MaxItems = 1000;

    private readonly CairnClient _client;
    private readonly string _runId;
    private readonly int _maxInFlight;
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;
    private Exception? _failure;
    private long _lostItems;

    public RunLogBuffer(CairnClient client, string runId, int maxInFlight = 4)
    {
        _client = client;
        _runId = runId;
        _maxInFlight = maxInFlight;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The first failure of a background send, if any.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public void Add(MetricDto metric) => Enqueue(metric);

    public void AddParam(KeyValueDto param) => Enqueue(new ParamItem(param));

    public void AddTag(KeyValueDto tag) => Enqueue(new TagItem(tag));

    /// <summary>Waits until everything queued so far is stored; throws if anything could not be.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(marker);
        await marker.Task.WaitAsync(cancellationToken);
        ThrowIfFailed();
    }

    /// <summary>Sends what is left and stops the background sender.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
        ThrowIfFailed();
    }

    public void ThrowIfFailed()
    {
        if (Failure is { } failure)
        {
            throw new CairnClientException(failure is CairnClientException c ? c.StatusCode : 0, failure is CairnClientException e ? e.ErrorCode : "CLIENT_ERROR",
                $"{Interlocked.Read(ref _lostItems)} metric, param or tag values could not be logged to run {_runId}: {failure.Message}");
        }
    }

    private void Enqueue(object item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            throw new InvalidOperationException($"Run {_runId} has ended; nothing more can be logged to it.");
        }
    }

    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        var batch = new Batch();
        var inFlight = new List<Task>();
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var item))
            {
                if (item is TaskCompletionSource marker)
                {
                    await DispatchAsync(batch, inFlight);
                    batch = new Batch();
                    await Task.WhenAll(inFlight);
                    inFlight.Clear();
                    marker.TrySetResult();
                    continue;
                }

                if (!batch.CanTake(item))
                {
                    await DispatchAsync(batch, inFlight);
                    batch = new Batch();
                }

                batch.Take(item);
            }

            // The queue is empty for now: send what there is rather than wait for more.
            await DispatchAsync(batch, inFlight);
            batch = new Batch();
        }

        await Task.WhenAll(inFlight);
    }

    private async Task DispatchAsync(Batch batch, List<Task> inFlight)
    {
        if (batch.IsEmpty)
        {
            return;
        }

        if (batch.HasOrderedItems)
        {
            await Task.WhenAll(inFlight);
            inFlight.Clear();
            await SendAsync(batch);
            return;
        }

        inFlight.RemoveAll(task => task.IsCompleted);
        if (inFlight.Count >= _maxInFlight)
        {
            await Task.WhenAny(inFlight);
            inFlight.RemoveAll(task => task.IsCompleted);
        }

        inFlight.Add(SendAsync(batch));
    }

    private async Task SendAsync(Batch batch)
    {
        try
        {
            await _client.LogBatchAsync(_runId, batch.Metrics, batch.Params, batch.Tags);
        }
        catch (Exception error)
        {
            Interlocked.CompareExchange(ref _failure, error, null);
            Interlocked.Add(ref _lostItems, batch.Count);
        }
    }

    private sealed record ParamItem(KeyValueDto Value);

    private sealed record TagItem(KeyValueDto Value);

    private sealed class Batch
    {
        public List<MetricDto> Metrics { get; } = [];

        public List<KeyValueDto> Params { get; } = [];

        public List<KeyValueDto> Tags { get; } = [];

        public int Count => Metrics.Count + Params.Count + Tags.Count;

        public bool IsEmpty => Count == 0;

        public bool HasOrderedItems => Params.Count > 0 || Tags.Count > 0;

        public bool CanTake(object item) => Count < MaxItems && item switch
        {
            MetricDto => Metrics.Count < MaxMetrics,
            ParamItem => Params.Count < MaxParams,
            TagItem => Tags.Count < MaxTags,
            _ => false,
        };

        public void Take(object item)
        {
            switch (item)
            {
                case MetricDto metric: Metrics.Add(metric); break;
                case ParamItem param: Params.Add(param.Value); break;
                case TagItem tag: Tags.Add(tag.Value); break;
            }
        }
    }
}
