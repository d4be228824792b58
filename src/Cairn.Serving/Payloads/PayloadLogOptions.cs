using System.ComponentModel.DataAnnotations;

namespace Cairn.Serving.Payloads;

/// <summary>Payload logging (section <c>Serving:PayloadLog</c>): off unless a directory is set.</summary>
public sealed class PayloadLogOptions
{
    /// <summary>
    /// Directory the files go to: <c>&lt;dir&gt;/&lt;model&gt;/&lt;yyyy-MM-dd&gt;/payloads-&lt;HH&gt;.jsonl</c> (UTC), or
    /// with Parquet <c>payloads-&lt;HH&gt;-&lt;file id&gt;.parquet</c>.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>JSONL (one record per request, bodies as sent) or Parquet (one row per scored row, features and predictions as columns).</summary>
    public PayloadLogFormat Format { get; set; } = PayloadLogFormat.Jsonl;

    /// <summary>Parquet: rows buffered before a row group is written.</summary>
    [Range(1, 10_000_000)]
    public int RowGroupRows { get; set; } = 10_000;

    /// <summary>Parquet: seconds after which buffered rows are written as a row group even if fewer, and past hours' files closed.</summary>
    [Range(0.05, 3600)]
    public double FlushSeconds { get; set; } = 60;

    /// <summary>Share of prediction requests logged, 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Records waiting to be written; beyond this, records are dropped (and counted) rather than slowing requests.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    public bool Enabled => !string.IsNullOrWhiteSpace(Directory) && SampleRate > 0;
}

public enum PayloadLogFormat
{
    Jsonl,
    Parquet,
}
