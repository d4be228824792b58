namespace Cairn.Serving.Payloads;

/// <summary>Where <see cref="PayloadLogWriter"/> puts records: JSONL or Parquet files. Called from its one writing task only.</summary>
internal interface IPayloadSink : IAsyncDisposable
{
    Task WriteAsync(PayloadRecord record);

    /// <summary>The queue is empty for now, or the flush interval passed without records.</summary>
    Task IdleAsync(DateTimeOffset now);
}
