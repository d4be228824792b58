using System.Globalization;
using System.Security.Cryptography;
using Cairn.Quality.Drift;

namespace Cairn.Quality.Baselines;

/// <summary>
/// Computes a <see cref="Baseline"/> from a table: per column the non-missing count, missing rate, distinct count, summary
/// statistics, the reference distribution, and, once and for all, the bins (Sturges edges over the column's range for
/// numeric columns with more than 20 distinct values) or the category set. Columns are processed in parallel.
/// </summary>
public static class BaselineBuilder
{
    private static readonly (string Name, double Q)[] QuantileLevels =
        [("p01", 0.01), ("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95), ("p99", 0.99)];

    public static Baseline Build(ColumnarTable table, string? label = null, BaselineSource? source = null, BaselineSettings? settings = null,
        TimeProvider? time = null)
    {
        settings ??= new BaselineSettings();
        if (label is not null && table[label] is null)
        {
            throw new DriftInputException($"--label: no column '{label}' in the data (columns: {string.Join(", ", table.Columns.Select(c => c.Name).Take(40))}).");
        }

        if (table.RowCount == 0)
        {
            throw new DriftInputException("The data has no rows; a baseline needs at least one.");
        }

        var columns = new BaselineColumn[table.Columns.Count];
        Parallel.For(0, columns.Length, i =>
        {
            var column = table.Columns[i];
            var built = column is NumericColumn numeric ? Numeric(numeric, settings) : Categorical((CategoricalColumn)column, settings);
            columns[i] = built with { Role = column.Name == label ? BaselineColumn.LabelRole : BaselineColumn.FeatureRole };
        });

        return new Baseline
        {
            CreatedAt = (time ?? TimeProvider.System).GetUtcNow(),
            Source = source,
            RowCount = table.RowCount,
            Label = label,
            Settings = settings,
            Columns = columns,
        };
    }

    /// <summary>Reads a CSV or Parquet file and builds its baseline; the source records the file's path and SHA-256 digest.</summary>
    public static async Task<Baseline> FromFileAsync(string path, string? label = null, string? runId = null, CancellationToken cancellationToken = default)
    {
        var table = await ColumnarReader.ReadAsync(path, null, cancellationToken);
        string digest;
        await using (var file = File.OpenRead(path))
        {
            digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken))[..8];
        }

        var format = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "parquet" : "csv";
        return Build(table, label, new BaselineSource(Path.GetFullPath(path), format, digest, runId, Path.GetFileNameWithoutExtension(path)));
    }

    private static BaselineColumn Numeric(NumericColumn column, BaselineSettings settings)
    {
        var values = column.Values;
        int count = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                count++;
            }
        }

        long missing = values.Length - count;
        var baseColumn = new BaselineColumn
        {
            Name = column.Name,
            Type = BaselineColumn.NumericType,
            Count = count,
            Missing = missing,
            MissingRate = values.Length == 0 ? 0 : (double)missing / values.Length,
        };
        if (count == 0)
        {
            return baseColumn;
        }

        var sorted = new double[count];
        int k = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                sorted[k++] = v;
            }
        }

        FastSort.Sort(sorted);
        var distribution = EmpiricalDistribution.FromSorted(sorted);
        double mean = Mean(sorted);
        double variance = 0;
        foreach (double v in sorted)
        {
            variance += (v - mean) * (v - mean);
        }

        var quantiles = QuantileLevels.ToDictionary(q => q.Name, q => Quantile(sorted, q.Q), StringComparer.Ordinal);
        var stats = new NumericSummary(sorted[0], sorted[^1], mean, Math.Sqrt(variance / count), quantiles);

        FrozenBins? bins = null;
        if (distribution.Values.Length > settings.MaxDiscreteValues)
        {
            var edges = Binning.SturgesEdges(sorted[0], sorted[^1], count);
            bins = new FrozenBins(settings.BinRule, edges, Binning.Histogram(sorted, edges));
        }

        return baseColumn with
        {
            Distinct = distribution.Values.Length,
            Stats = stats,
            Bins = bins,
            Distribution = Summarise(sorted, distribution, settings.MaxDistributionPoints),
        };
    }

    /// <summary>Exact when small enough; else equal-count buckets represented by their means (ties merged).</summary>
    private static ReferenceDistribution Summarise(double[] sorted, EmpiricalDistribution exact, int maxPoints)
    {
        if (exact.Values.Length <= maxPoints)
        {
            return new ReferenceDistribution(true, exact.Values, exact.Counts);
        }

        var values = new List<double>(maxPoints);
        var counts = new List<long>(maxPoints);
        long n = sorted.Length;
        for (int b = 0; b < maxPoints; b++)
        {
            long start = b * n / maxPoints, end = (b + 1) * n / maxPoints;
            if (end <= start)
            {
                continue;
            }

            double sum = 0;
            for (long i = start; i < end; i++)
            {
                sum += sorted[i];
            }

            // The mean of sorted values lies within [first, last]; clamp against rounding so points stay ascending.
            double point = Math.Clamp(sum / (end - start), sorted[start], sorted[end - 1]);
            if (values.Count > 0 && point <= values[^1])
            {
                counts[^1] += end - start;
            }
            else
            {
                values.Add(point);
                counts.Add(end - start);
            }
        }

        return new ReferenceDistribution(false, values, counts);
    }

    private static BaselineColumn Categorical(CategoricalColumn column, BaselineSettings settings)
    {
        var counts = new long[column.Categories.Count];
        long missing = 0;
        foreach (int code in column.Codes)
        {
            if (code < 0)
            {
                missing++;
            }
            else
            {
                counts[code]++;
            }
        }

        long count = column.Length - missing;
        var ordered = Enumerable.Range(0, counts.Length).Where(i => counts[i] > 0)
            .OrderByDescending(i => counts[i]).ThenBy(i => column.Categories[i], StringComparer.Ordinal).ToList();
        var kept = ordered.Take(settings.MaxCategories).Select(i => new CategoryCount(column.Categories[i], counts[i])).ToList();
        return new BaselineColumn
        {
            Name = column.Name,
            Type = BaselineColumn.CategoricalType,
            Count = count,
            Missing = missing,
            MissingRate = column.Length == 0 ? 0 : (double)missing / column.Length,
            Distinct = ordered.Count,
            Categories = kept,
            OtherCount = ordered.Skip(settings.MaxCategories).Sum(i => counts[i]),
        };
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        // Pairwise-free but compensated: the stored mean is reused by every later comparison.
        double sum = 0, compensation = 0;
        foreach (double v in values)
        {
            double next = sum + v;
            compensation += Math.Abs(sum) >= Math.Abs(v) ? (sum - next) + v : (v - next) + sum;
            sum = next;
        }

        return (sum + compensation) / values.Length;
    }

    /// <summary>NumPy's default (linear) quantile of sorted values.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
