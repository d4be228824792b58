using Cairn.Contracts.Mlflow;
using Cairn.Core.Tracking;

namespace Cairn.Client;

/// <summary>
/// A run being recorded. Metrics, params and tags are queued and sent in the background in batches;
/// <see cref="DisposeAsync"/> sends what is left and ends the run (FINISHED, or FAILED after <see cref="Fail"/>).
/// A value that could not be stored surfaces as an exception from the next flush, end or dispose.
/// </summary>
public sealed class ActiveRun : IAsyncDisposable
{
    private readonly RunLogBuffer _buffer;
    private RunStatus? _endStatus;
    private bool _ended;

    internal ActiveRun(CairnClient client, RunDto run)
    {
        Client = client;
        Info = run.Info;
        _buffer = new RunLogBuffer(client, run.Info.RunId);
    }

    /// <summary>The client the run logs through.</summary>
    public CairnClient Client { get; }

    /// <summary>The run as it was created.</summary>
    public RunInfoDto Info { get; }

    /// <summary>The run's id.</summary>
    public string RunId => Info.RunId;

    /// <summary>The run's experiment.</summary>
    public string ExperimentId => Info.ExperimentId;

    /// <summary>Where the run's artifacts live (<c>mlflow-artifacts:/…</c>).</summary>
    public string ArtifactUri => Info.ArtifactUri;

    /// <summary>Queues a metric point; the timestamp defaults to now.</summary>
    public void LogMetric(string key, double value, long step = 0, long? timestamp = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _buffer.ThrowIfFailed();
        _buffer.Add(new MetricDto(key, value, timestamp ?? Client.Time.GetUtcNow().ToUnixTimeMilliseconds(), step));
    }

    /// <summary>Queues several metrics at one step.</summary>
    public void LogMetrics(IReadOnlyDictionary<string, double> values, long step = 0)
    {
        var now = Client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (key, value) in values)
        {
            LogMetric(key, value, step, now);
        }
    }

    /// <summary>Queues a metric point that belongs to an MLflow 3 logged model (and optionally a dataset).</summary>
    public void LogModelMetric(string modelId, string key, double value, long step = 0, string? datasetName = null, string? datasetDigest = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _buffer.ThrowIfFailed();
        _buffer.Add(new MetricDto(key, value, Client.Time.GetUtcNow().ToUnixTimeMilliseconds(), step)
        {
            ModelId = modelId, DatasetName = datasetName, DatasetDigest = datasetDigest,
        });
    }

    /// <summary>Queues a parameter (immutable once logged).</summary>
    public void LogParam(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _buffer.ThrowIfFailed();
        _buffer.AddParam(new KeyValueDto(key, value));
    }

    /// <summary>Queues several parameters.</summary>
    public void LogParams(IReadOnlyDictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            LogParam(key, value);
        }
    }

    /// <summary>Queues a tag; a later value for the same key wins.</summary>
    public void SetTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _buffer.ThrowIfFailed();
        _buffer.AddTag(new KeyValueDto(key, value));
    }

    /// <summary>Waits until everything queued so far is stored.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _buffer.FlushAsync(cancellationToken);

    /// <summary>Uploads a local file into the run's artifacts.</summary>
    public Task LogArtifactAsync(string localFile, string? artifactDirectory = null, CancellationToken cancellationToken = default) =>
        Client.UploadFileAsync(ArtifactUri, localFile, artifactDirectory, cancellationToken);

    /// <summary>Uploads a local directory tree into the run's artifacts.</summary>
    public Task LogArtifactsAsync(string localDirectory, string? artifactDirectory = null, CancellationToken cancellationToken = default) =>
        Client.UploadDirectoryAsync(ArtifactUri, localDirectory, artifactDirectory, cancellationToken);

    /// <summary>Stores text as an artifact file.</summary>
    public async Task LogTextAsync(string text, string artifactPath, CancellationToken cancellationToken = default)
    {
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        await Client.UploadArtifactAsync(ArtifactUri, artifactPath, content, cancellationToken);
    }

    /// <summary>Records a dataset the run used.</summary>
    public Task LogInputAsync(DatasetDto dataset, string? context = null, CancellationToken cancellationToken = default) =>
        Client.LogInputsAsync(RunId, [new DatasetInputDto(context is null ? null : [new KeyValueDto(WellKnownTags.DatasetContext, context)], dataset)], null, cancellationToken);

    /// <summary>Starts a run nested under this one.</summary>
    public Task<ActiveRun> StartChildRunAsync(string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        var childTags = new Dictionary<string, string>(tags ?? new Dictionary<string, string>()) { [WellKnownTags.ParentRunId] = RunId };
        return Client.StartRunInExperimentAsync(ExperimentId, runName, childTags, cancellationToken);
    }

    /// <summary>Marks the run as failed; dispose then ends it FAILED.</summary>
    public void Fail() => _endStatus = RunStatus.Failed;

    /// <summary>Sends what is queued and ends the run with the given status (FINISHED by default).</summary>
    public async Task EndAsync(RunStatus? status = null, CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        Exception? failure = null;
        try
        {
            await _buffer.CompleteAsync();
        }
        catch (CairnClientException error)
        {
            failure = error;
        }

        var final = failure is not null ? RunStatus.Failed : status ?? _endStatus ?? RunStatus.Finished;
        await Client.UpdateRunAsync(RunId, final, cancellationToken: cancellationToken);
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await EndAsync();
}
