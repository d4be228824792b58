using System.ComponentModel.DataAnnotations;

namespace Cairn.Serving.Batching;

/// <summary>Dynamic batching for one model (section <c>Serving:Batching</c>, per model <c>Serving:Models:{name}</c>).</summary>
public sealed class BatchingOptions
{
    /// <summary>Most rows merged into one model call; 0 or 1 turns batching off.</summary>
    [Range(0, 1_000_000)]
    public int MaxBatchSize { get; set; }

    /// <summary>
    /// How long the first request of a batch may wait for more rows. 0 (the default) never waits: a batch takes what is
    /// queued while the previous one runs, so an idle server answers at once and a busy one batches more.
    /// </summary>
    [Range(0, 60_000)]
    public double MaxLatencyMs { get; set; }

    public bool Enabled => MaxBatchSize > 1;
}
