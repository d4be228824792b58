using System.Text.Json;
using Cairn.Quality.Baselines;

namespace Cairn.Quality.Drift;

/// <summary>Options of a drift comparison. Null method means the default choice (§1.2); null threshold the method's default.</summary>
public sealed record DriftOptions
{
    public DriftMethod? Method { get; init; }

    public double? Threshold { get; init; }

    /// <summary>Per-column method, overriding <see cref="Method"/>.</summary>
    public IReadOnlyDictionary<string, DriftMethod> ColumnMethods { get; init; } = new Dictionary<string, DriftMethod>();

    public double DriftShare { get; init; } = DatasetDriftRule.DefaultDriftShare;

    /// <summary>Only these columns (null: every baseline column).</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    public KsMode KsMode { get; init; } = KsMode.Auto;

    /// <summary>Permutations for the TVD test's p-value (seeded, so the same data give the same p).</summary>
    public int Permutations { get; init; } = 1000;
}

/// <summary>Counts of one column over its frozen bins (numeric) or categories, for the report's histograms.</summary>
public sealed record DriftHistogram(
    string Kind,
    IReadOnlyList<double>? Edges,
    IReadOnlyList<string> Labels,
    IReadOnlyList<long> Reference,
    IReadOnlyList<long> Current,
    long ReferenceBelow = 0,
    long ReferenceAbove = 0,
    long CurrentBelow = 0,
    long CurrentAbove = 0)
{
    public const string BinsKind = "bins";
    public const string CategoriesKind = "categories";
}

/// <summary>One column's verdict: the method, its statistic, threshold and p-value (for tests), and whether it drifted.</summary>
public sealed record ColumnDrift
{
    public required string Column { get; init; }

    public required string Type { get; init; }

    public string Role { get; init; } = BaselineColumn.FeatureRole;

    public required string Method { get; init; }

    /// <summary>The test statistic (D, χ², z) or the distance itself.</summary>
    public required double Statistic { get; init; }

    public double? PValue { get; init; }

    public required double Threshold { get; init; }

    /// <summary>How the score is compared: "p &lt;= 0.05", "score &gt;= 0.1"….</summary>
    public required string Rule { get; init; }

    public required bool Drifted { get; init; }

    public long ReferenceCount { get; init; }

    public long CurrentCount { get; init; }

    public double ReferenceMissingRate { get; init; }

    public double CurrentMissingRate { get; init; }

    /// <summary>Other measures computed on the way (psi, jensenshannon on the frozen bins; wasserstein, ks statistic, means…).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Things worth knowing that are not drift by themselves (unseen categories, values outside the frozen range).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public required DriftHistogram Histogram { get; init; }
}

public sealed record DriftSummary(int ColumnsChecked, int ColumnsDrifted, double Share, double DriftShare, bool DatasetDrift);

/// <summary>The payload logs a drift report read: window, model, what was read and what was skipped.</summary>
public sealed record PayloadSummary(
    string? Model,
    IReadOnlyList<string> Versions,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    DateTimeOffset? First,
    DateTimeOffset? Last,
    int Files,
    long Records,
    long Rows,
    long FailedRequests,
    long UnreadableRequests,
    long UnreadableResponses,
    string? PredictionColumn);

public sealed record DataDescription(string? Path, long Rows, string? Digest = null, DateTimeOffset? CreatedAt = null);

/// <summary>The result of comparing a batch of rows with a baseline.</summary>
public sealed record DriftReport
{
    public const string FormatName = "cairn.drift";
    public const int CurrentSchemaVersion = 1;

    public string Format { get; init; } = FormatName;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public DateTimeOffset CreatedAt { get; init; }

    public required DataDescription Baseline { get; init; }

    public required DataDescription Current { get; init; }

    public required DriftSummary Summary { get; init; }

    /// <summary>Feature columns, in baseline order; they make the dataset verdict.</summary>
    public required IReadOnlyList<ColumnDrift> Columns { get; init; }

    /// <summary>The label column's drift (target drift), when the baseline names one and the current data has it.</summary>
    public ColumnDrift? Label { get; init; }

    /// <summary>
    /// Prediction drift, when the current rows come from payload logs: the model's predictions against the baseline's
    /// label. Like target drift, it does not count towards the dataset verdict.
    /// </summary>
    public ColumnDrift? Prediction { get; init; }

    /// <summary>Where the current rows came from when they were read from payload logs.</summary>
    public PayloadSummary? Payloads { get; init; }

    /// <summary>Columns of the current data that the baseline does not have (not compared).</summary>
    public IReadOnlyList<string> ExtraColumns { get; init; } = [];

    public string ToJson(bool indented = true) =>
        JsonSerializer.Serialize(this, new JsonSerializerOptions(Baselines.Baseline.JsonOptions) { WriteIndented = indented });
}
