using System.ComponentModel.DataAnnotations;

namespace Cairn.Serving.Payloads;

/// <summary>Payload logging (section <c>Serving:PayloadLog</c>): off unless a directory is set.</summary>
public sealed class PayloadLogOptions
{
    /// <summary>Directory the JSONL files go to: <c>&lt;dir&gt;/&lt;model&gt;/&lt;yyyy-MM-dd&gt;/payloads-&lt;HH&gt;.jsonl</c> (UTC).</summary>
    public string? Directory { get; set; }

    /// <summary>Share of prediction requests logged, 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Records waiting to be written; beyond this, records are dropped (and counted) rather than slowing requests.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    public bool Enabled => !string.IsNullOrWhiteSpace(Directory) && SampleRate > 0;
}
