using System.ComponentModel.DataAnnotations;
using Cairn.Serving.Batching;

namespace Cairn.Serving.Hosting;

/// <summary>The model server's settings (section <c>Serving</c>).</summary>
public sealed class ServingOptions
{
    public const string Section = "Serving";

    /// <summary>Address to listen on.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5001;

    /// <summary>Port for the Open Inference Protocol over gRPC (HTTP/2 without TLS); null: no gRPC; 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int? GrpcPort { get; set; }

    /// <summary>Largest request body accepted.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long a stopping server waits for requests in flight to finish.</summary>
    [Range(0, 3600)]
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>How often models served by alias, stage or "latest" check the registry for a new version (0: never).</summary>
    [Range(0, 86400)]
    public double PollIntervalSeconds { get; set; } = 30;

    /// <summary>Logging of sampled prediction requests and responses to JSONL files, for monitoring.</summary>
    public Payloads.PayloadLogOptions PayloadLog { get; set; } = new();

    /// <summary>Dynamic batching for every model (off unless MaxBatchSize &gt; 1).</summary>
    public BatchingOptions Batching { get; set; } = new();

    /// <summary>Per-model batching that replaces <see cref="Batching"/>, by served name (<c>Serving:Models:credit:MaxBatchSize</c>).</summary>
    public Dictionary<string, BatchingOptions> Models { get; set; } = [];

    public BatchingOptions BatchingFor(string model) => Models.GetValueOrDefault(model) ?? Batching;
}
