using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Quality.Drift;

namespace Cairn.Quality.Baselines;

/// <summary>
/// A data baseline: what a training table looked like, column by column, with the bins frozen. Written once (from a
/// table, by <see cref="BaselineBuilder"/>) and compared against any later batch of rows with
/// <see cref="DriftCalculator"/>; the bins are never rebuilt, so results from different windows are comparable.
/// Stored as JSON with <see cref="SchemaVersion"/>; readers refuse versions they do not know.
/// </summary>
public sealed record Baseline
{
    public const string FormatName = "cairn.baseline";
    public const int CurrentSchemaVersion = 1;

    public string Format { get; init; } = FormatName;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public DateTimeOffset CreatedAt { get; init; }

    public BaselineSource? Source { get; init; }

    /// <summary>Rows in the table the baseline was made from.</summary>
    public long RowCount { get; init; }

    /// <summary>The label column, when one was named: compared as target drift, not counted in the dataset verdict.</summary>
    public string? Label { get; init; }

    public BaselineSettings Settings { get; init; } = new();

    public IReadOnlyList<BaselineColumn> Columns { get; init; } = [];

    public BaselineColumn? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>Column kinds, to read later data typed as the baseline has it.</summary>
    public IReadOnlyDictionary<string, ColumnKind> Kinds() =>
        Columns.ToDictionary(c => c.Name, c => c.Type == BaselineColumn.NumericType ? ColumnKind.Numeric : ColumnKind.Categorical, StringComparer.Ordinal);

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,

        // Files for people and tools, never embedded in HTML unescaped: keep ">=" and quotes readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, JsonOptions, cancellationToken);
    }

    /// <summary>Reads and checks a baseline; every problem is a <see cref="DriftInputException"/> naming the file.</summary>
    public static async Task<Baseline> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new DriftInputException($"'{path}' does not exist.");
        }

        await using var file = File.OpenRead(path);
        return await ReadAsync(file, path, cancellationToken);
    }

    public static async Task<Baseline> ReadAsync(Stream stream, string name, CancellationToken cancellationToken = default)
    {
        Baseline? baseline;
        try
        {
            baseline = await JsonSerializer.DeserializeAsync<Baseline>(stream, JsonOptions, cancellationToken);
        }
        catch (JsonException error)
        {
            throw new DriftInputException($"'{name}' is not a baseline: {error.Message}");
        }

        if (baseline is null || baseline.Format != FormatName)
        {
            throw new DriftInputException($"'{name}' is not a baseline (format is not '{FormatName}').");
        }

        if (baseline.SchemaVersion != CurrentSchemaVersion)
        {
            throw new DriftInputException($"'{name}' has baseline schema version {baseline.SchemaVersion}; this Cairn reads version {CurrentSchemaVersion}.");
        }

        foreach (var column in baseline.Columns)
        {
            if (column.Problem() is { } problem)
            {
                throw new DriftInputException($"'{name}' column '{column.Name}': {problem}");
            }
        }

        return baseline;
    }
}

/// <summary>Where a baseline's data came from.</summary>
public sealed record BaselineSource(string? Path, string? Format, string? Digest, string? RunId = null, string? Dataset = null);

/// <summary>The rules the baseline was built with (recorded so a reader knows how bins and summaries were made).</summary>
public sealed record BaselineSettings
{
    /// <summary>A numeric column with at most this many distinct values is compared value by value, not binned.</summary>
    public int MaxDiscreteValues { get; init; } = Binning.MaxDiscreteValues;

    /// <summary>Bin edges rule for the other numeric columns.</summary>
    public string BinRule { get; init; } = "sturges";

    /// <summary>At most this many points in a numeric column's reference distribution (exact below it).</summary>
    public int MaxDistributionPoints { get; init; } = 5000;

    /// <summary>At most this many categories kept per categorical column; the rest are counted together.</summary>
    public int MaxCategories { get; init; } = 10_000;
}

/// <summary>One column of a baseline.</summary>
public sealed record BaselineColumn
{
    public const string NumericType = "numeric";
    public const string CategoricalType = "categorical";
    public const string FeatureRole = "feature";
    public const string LabelRole = "label";

    public required string Name { get; init; }

    /// <summary><c>numeric</c> or <c>categorical</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>feature</c> or <c>label</c>.</summary>
    public string Role { get; init; } = FeatureRole;

    /// <summary>Non-missing values (NaN, ±∞ and the missing markers excluded).</summary>
    public long Count { get; init; }

    public long Missing { get; init; }

    public double MissingRate { get; init; }

    /// <summary>Distinct non-missing values.</summary>
    public long Distinct { get; init; }

    public NumericSummary? Stats { get; init; }

    /// <summary>Frozen bins of a numeric column with more than <see cref="BaselineSettings.MaxDiscreteValues"/> distinct values.</summary>
    public FrozenBins? Bins { get; init; }

    /// <summary>A numeric column's reference distribution (for KS and Wasserstein, and the values of a discrete column).</summary>
    public ReferenceDistribution? Distribution { get; init; }

    /// <summary>A categorical column's categories with counts, most frequent first.</summary>
    public IReadOnlyList<CategoryCount>? Categories { get; init; }

    /// <summary>Rows whose category is beyond the kept ones (0 unless the column had more than the cap).</summary>
    public long OtherCount { get; init; }

    public bool IsNumeric => Type == NumericType;

    internal string? Problem()
    {
        if (Type is not (NumericType or CategoricalType))
        {
            return $"unknown type '{Type}'.";
        }

        if (Count > 0 && IsNumeric && (Stats is null || Distribution is null))
        {
            return "a numeric column needs stats and a distribution.";
        }

        if (Bins is { } bins && (bins.Edges.Count < 2 || bins.Counts.Count != bins.Edges.Count - 1 || bins.Edges.Zip(bins.Edges.Skip(1)).Any(p => !(p.Second > p.First))))
        {
            return "bins need ascending edges and one count per bin.";
        }

        if (Distribution is { } distribution && (distribution.Values.Count != distribution.Counts.Count || distribution.Values.Count == 0))
        {
            return "the distribution needs one count per value.";
        }

        if (Count > 0 && !IsNumeric && Categories is null)
        {
            return "a categorical column needs its categories.";
        }

        return null;
    }

    internal EmpiricalDistribution ReferenceDistribution() =>
        new([.. Distribution!.Values], [.. Distribution.Counts]);
}

/// <summary>Summary statistics of a numeric column (std is the population std, ddof = 0).</summary>
public sealed record NumericSummary(double Min, double Max, double Mean, double Std, IReadOnlyDictionary<string, double> Quantiles);

/// <summary>Frozen bin edges (bin i is [e_i, e_{i+1}), the last closed) and the baseline's count in each bin.</summary>
public sealed record FrozenBins(string Rule, IReadOnlyList<double> Edges, IReadOnlyList<long> Counts);

/// <summary>
/// Ascending support points with counts. <c>exact</c>: every distinct value with its count; otherwise equal-count
/// quantile buckets, each represented by the mean of its values (so the mean is kept; CDF error at most one bucket's share).
/// </summary>
public sealed record ReferenceDistribution(bool Exact, IReadOnlyList<double> Values, IReadOnlyList<long> Counts);

public sealed record CategoryCount(string Value, long Count);
