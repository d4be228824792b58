using System.Buffers;
using System.Globalization;
using Cairn.Quality.Baselines;

namespace Cairn.Quality.Drift;

/// <summary>
/// Compares a table with a <see cref="Baseline"/>, column by column (in parallel), on the baseline's frozen bins.
/// Binned methods (psi, kl_div, jensenshannon, hellinger, linf, TVD, chisquare) use the frozen bins of a numeric column
/// plus two open bins for values below and above the baseline's range, or the categories of R ∪ C (a numeric column
/// with at most 20 distinct baseline values is compared value by value). Bins empty in both samples are left out.
/// ks and wasserstein use the baseline's reference distribution and the current values, sorted.
/// </summary>
public static class DriftCalculator
{
    public static DriftReport Compare(Baseline baseline, ColumnarTable current, DriftOptions? options = null,
        DataDescription? baselineDescription = null, DataDescription? currentDescription = null, TimeProvider? time = null)
    {
        options ??= new DriftOptions();
        var selected = options.Columns is { } names ? names.ToList() : baseline.Columns.Select(c => c.Name).ToList();
        var problems = new List<string>();
        foreach (var name in selected.Where(n => baseline.Column(n) is null))
        {
            problems.Add($"column '{name}' is not in the baseline.");
        }

        var work = new List<(BaselineColumn Reference, DataColumn Current)>();
        foreach (var name in selected)
        {
            if (baseline.Column(name) is not { } reference)
            {
                continue;
            }

            var column = current[name];
            if (column is null)
            {
                if (reference.Role != BaselineColumn.LabelRole)
                {
                    problems.Add($"column '{name}' is in the baseline but not in the current data.");
                }

                continue;
            }

            if (reference.IsNumeric != (column.Kind == ColumnKind.Numeric))
            {
                problems.Add($"column '{name}' is {reference.Type} in the baseline but {column.Kind.ToString().ToLowerInvariant()} in the current data.");
                continue;
            }

            if (reference.Count == 0)
            {
                problems.Add($"column '{name}' has no values in the baseline (every row is missing).");
                continue;
            }

            var method = options.ColumnMethods.GetValueOrDefault(name) ?? options.Method;
            if (method is not null && !reference.IsNumeric && !method.Categorical)
            {
                problems.Add($"column '{name}' is categorical; method '{method.Name}' needs numbers.");
                continue;
            }

            work.Add((reference, column));
        }

        if (problems.Count > 0)
        {
            throw new DriftInputException(string.Join(Environment.NewLine, problems));
        }

        var results = new ColumnDrift[work.Count];
        var errors = new string?[work.Count];
        Parallel.For(0, work.Count, i =>
        {
            try
            {
                var (reference, column) = work[i];
                var method = options.ColumnMethods.GetValueOrDefault(reference.Name) ?? options.Method;
                results[i] = column is NumericColumn numeric
                    ? CompareNumeric(reference, numeric, method, options)
                    : CompareCategorical(reference, (CategoricalColumn)column, method, options);
            }
            catch (DriftInputException error)
            {
                errors[i] = error.Message;
            }
        });

        if (errors.Where(e => e is not null).ToList() is { Count: > 0 } failed)
        {
            throw new DriftInputException(string.Join(Environment.NewLine, failed));
        }

        var features = results.Where(r => r.Role != BaselineColumn.LabelRole).ToList();
        int drifted = features.Count(r => r.Drifted);
        var baselineNames = baseline.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return new DriftReport
        {
            CreatedAt = (time ?? TimeProvider.System).GetUtcNow(),
            Baseline = baselineDescription ?? new DataDescription(baseline.Source?.Path, baseline.RowCount, baseline.Source?.Digest, baseline.CreatedAt),
            Current = currentDescription ?? new DataDescription(null, current.RowCount),
            Summary = new DriftSummary(features.Count, drifted, DatasetDriftRule.Share(drifted, features.Count), options.DriftShare,
                DatasetDriftRule.IsDrift(drifted, features.Count, options.DriftShare)),
            Columns = features,
            Label = results.FirstOrDefault(r => r.Role == BaselineColumn.LabelRole),
            ExtraColumns = current.Columns.Select(c => c.Name).Where(n => !baselineNames.Contains(n)).ToList(),
        };
    }

    private static ColumnDrift CompareNumeric(BaselineColumn reference, NumericColumn column, DriftMethod? method, DriftOptions options)
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

        if (count == 0)
        {
            throw new DriftInputException($"column '{column.Name}' has no values in the current data (every row is missing).");
        }

        // A million values per column: the buffer is rented, not allocated (fresh memory costs page faults).
        var rented = ArrayPool<double>.Shared.Rent(count);
        try
        {
            return CompareNumeric(reference, column, method, options, rented.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static ColumnDrift CompareNumeric(BaselineColumn reference, NumericColumn column, DriftMethod? method, DriftOptions options, Span<double> sample)
    {
        var values = column.Values;
        int count = sample.Length;
        int k = 0;
        double sum = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                sample[k++] = v;
                sum += v;
            }
        }

        var notes = new List<string>();
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["reference_mean"] = reference.Stats!.Mean,
            ["current_mean"] = sum / count,
        };

        // Sorted once: frozen-bin counts, KS and Wasserstein are then single merge passes.
        bool sorted = reference.Bins is not null || method == DriftMethod.Ks || method == DriftMethod.Wasserstein;
        if (sorted)
        {
            FastSort.Sort(sample);
        }

        // Counts over the comparison "categories": frozen bins (+ below/above) or the discrete values of R ∪ C.
        long[] referenceCounts, currentCounts;
        string[] labels;
        DriftHistogram histogram;
        long unique;
        if (reference.Bins is { } bins)
        {
            var edges = bins.Edges.ToArray();
            var binCounts = CountSorted(sample, edges); // [below, bins…, above]
            long below = binCounts[0], above = binCounts[^1];
            if (below + above > 0)
            {
                notes.Add($"{below + above} current values ({Percent((double)(below + above) / count)}) are outside the baseline range [{Number(edges[0])}, {Number(edges[^1])}]: {below} below, {above} above.");
            }

            referenceCounts = [0, .. bins.Counts, 0];
            currentCounts = binCounts;
            labels = ["below " + Number(edges[0]), .. Enumerable.Range(0, edges.Length - 1).Select(i => $"[{Number(edges[i])}, {Number(edges[i + 1])}{(i == edges.Length - 2 ? "]" : ")")}"), "above " + Number(edges[^1])];
            histogram = new DriftHistogram(DriftHistogram.BinsKind, edges, labels[1..^1], bins.Counts, binCounts[1..^1], 0, 0, below, above);
            unique = Math.Max(reference.Distinct, Binning.MaxDiscreteValues + 1);
        }
        else
        {
            var distribution = reference.Distribution!;
            var index = new Dictionary<double, int>();
            for (int i = 0; i < distribution.Values.Count; i++)
            {
                index[distribution.Values[i]] = i;
            }

            var currentByValue = new Dictionary<double, long>();
            foreach (double v in sample)
            {
                currentByValue[v] = currentByValue.GetValueOrDefault(v) + 1;
            }

            var keys = new SortedSet<double>(distribution.Values);
            keys.UnionWith(currentByValue.Keys);
            var ordered = keys.ToArray();
            referenceCounts = ordered.Select(v => index.TryGetValue(v, out int i) ? distribution.Counts[i] : 0).ToArray();
            currentCounts = ordered.Select(v => currentByValue.GetValueOrDefault(v)).ToArray();
            labels = ordered.Select(Number).ToArray();
            int unseen = ordered.Count(v => !index.ContainsKey(v));
            if (unseen > 0)
            {
                notes.Add($"{unseen} value(s) not seen in the baseline: {string.Join(", ", ordered.Where(v => !index.ContainsKey(v)).Take(10).Select(Number))}{(unseen > 10 ? ", …" : "")}.");
            }

            histogram = CategoryHistogram(labels, referenceCounts, currentCounts);
            unique = ordered.Length;
        }

        method ??= DriftMethod.Default(numeric: true, reference.Count, unique);
        double threshold = options.Threshold ?? method.DefaultThreshold;
        double statistic;
        double? pValue = null;
        var (r, c) = Trim(referenceCounts, currentCounts);
        AddBinnedMetrics(metrics, r, c, reference.Count, count);

        if (method == DriftMethod.Ks || method == DriftMethod.Wasserstein)
        {
            if (!sorted)
            {
                FastSort.Sort(sample);
            }

            var referenceDistribution = reference.ReferenceDistribution();
            if (reference.Distribution!.Exact is false)
            {
                // Compared with the baseline's equal-count quantile summary, not its every value.
                metrics["reference_summary_points"] = reference.Distribution.Values.Count;
            }

            double w1 = Wasserstein.Distance(referenceDistribution, sample);
            metrics["wasserstein"] = w1;
            metrics["wasserstein_normed"] = Wasserstein.Normed(w1, reference.Stats.Std);
            if (method == DriftMethod.Ks)
            {
                // The p-value uses the baseline's row count, whatever the summary's resolution.
                double d = KolmogorovSmirnov.Statistic(referenceDistribution, sample);
                var ks = KolmogorovSmirnov.PValue(d, reference.Count, count, options.KsMode);
                (statistic, pValue) = (ks.Statistic, ks.PValue);
            }
            else
            {
                statistic = metrics["wasserstein_normed"];
            }
        }
        else
        {
            (statistic, pValue) = Binned(method, r, c, reference.Count, count, options);
            if (method == DriftMethod.Z && reference.Bins is not null)
            {
                notes.Add("z on a binned column treats the first non-empty bin as one value and every other bin as the other.");
            }
        }

        return Result(reference, column.Length, count, method, statistic, pValue, threshold, metrics, notes, histogram);
    }

    private static ColumnDrift CompareCategorical(BaselineColumn reference, CategoricalColumn column, DriftMethod? method, DriftOptions options)
    {
        var categoryCounts = new long[column.Categories.Count];
        long count = 0;
        foreach (int code in column.Codes)
        {
            if (code >= 0)
            {
                categoryCounts[code]++;
                count++;
            }
        }

        if (count == 0)
        {
            throw new DriftInputException($"column '{column.Name}' has no values in the current data (every row is missing).");
        }

        var known = reference.Categories!;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < known.Count; i++)
        {
            index[known[i].Value] = i;
        }

        bool truncated = reference.OtherCount > 0;
        var currentKnown = new long[known.Count];
        long currentOther = 0;
        var unseen = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (int code = 0; code < categoryCounts.Length; code++)
        {
            if (categoryCounts[code] == 0)
            {
                continue;
            }

            var value = column.Categories[code];
            if (index.TryGetValue(value, out int i))
            {
                currentKnown[i] += categoryCounts[code];
            }
            else if (truncated)
            {
                currentOther += categoryCounts[code];
            }
            else
            {
                unseen[value] = unseen.GetValueOrDefault(value) + categoryCounts[code];
            }
        }

        // Categories of R ∪ C in ordinal order (Evidently's z maps the first sorted value to 0).
        var entries = known.Select((k, i) => (Label: k.Value, Reference: k.Count, Current: currentKnown[i]))
            .Concat(unseen.Select(u => (Label: u.Key, Reference: 0L, Current: u.Value)))
            .OrderBy(e => e.Label, StringComparer.Ordinal).ToList();
        if (truncated)
        {
            entries.Add(("(other)", reference.OtherCount, currentOther));
        }

        var notes = new List<string>();
        if (unseen.Count > 0)
        {
            long rows = unseen.Values.Sum();
            notes.Add($"{unseen.Count} categor{(unseen.Count == 1 ? "y" : "ies")} not seen in the baseline ({rows} rows, {Percent((double)rows / count)}): " +
                $"{string.Join(", ", unseen.Keys.Take(10))}{(unseen.Count > 10 ? ", …" : "")}.");
        }

        var referenceCounts = entries.Select(e => e.Reference).ToArray();
        var currentCounts = entries.Select(e => e.Current).ToArray();
        long unique = reference.Distinct + unseen.Count;
        method ??= DriftMethod.Default(numeric: false, reference.Count, unique);
        double threshold = options.Threshold ?? method.DefaultThreshold;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var (r, c) = Trim(referenceCounts, currentCounts);
        AddBinnedMetrics(metrics, r, c, reference.Count, count);
        var (statistic, pValue) = Binned(method, r, c, reference.Count, count, options);
        var histogram = CategoryHistogram(entries.Select(e => e.Label).ToArray(), referenceCounts, currentCounts);
        return Result(reference, column.Length, count, method, statistic, pValue, threshold, metrics, notes, histogram);
    }

    private static ColumnDrift Result(BaselineColumn reference, int rows, long count, DriftMethod method, double statistic, double? pValue, double threshold,
        Dictionary<string, double> metrics, List<string> notes, DriftHistogram histogram)
    {
        double score = method.Score == ScoreKind.PValue ? pValue!.Value : statistic;
        double currentMissingRate = rows == 0 ? 0 : (double)(rows - count) / rows;
        if (currentMissingRate > reference.MissingRate + 0.1)
        {
            notes.Add($"Missing values went from {Percent(reference.MissingRate)} to {Percent(currentMissingRate)}.");
        }

        return new ColumnDrift
        {
            Column = reference.Name,
            Type = reference.Type,
            Role = reference.Role,
            Method = method.Name,
            Statistic = statistic,
            PValue = pValue,
            Threshold = threshold,
            Rule = method.Rule(threshold),
            Drifted = method.IsDrift(score, threshold),
            ReferenceCount = reference.Count,
            CurrentCount = count,
            ReferenceMissingRate = reference.MissingRate,
            CurrentMissingRate = currentMissingRate,
            Metrics = metrics,
            Notes = notes,
            Histogram = histogram,
        };
    }

    /// <summary>Counts of an ascending sample in [below, bin 0 … bin k−1, above]: one binary search per frozen edge (last bin closed).</summary>
    private static long[] CountSorted(ReadOnlySpan<double> sorted, double[] edges)
    {
        int k = edges.Length - 1;
        var counts = new long[k + 2];
        int previous = FirstAtLeast(sorted, edges[0], 0);
        counts[0] = previous;
        for (int bin = 0; bin < k; bin++)
        {
            // Bin i ends before the first value ≥ e_{i+1}; the last bin also takes values equal to e_k.
            int end = bin < k - 1 ? FirstAtLeast(sorted, edges[bin + 1], previous) : FirstAbove(sorted, edges[k], previous);
            counts[bin + 1] = end - previous;
            previous = end;
        }

        counts[k + 1] = sorted.Length - previous;
        return counts;
    }

    private static int FirstAtLeast(ReadOnlySpan<double> sorted, double value, int from)
    {
        int lo = from, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int FirstAbove(ReadOnlySpan<double> sorted, double value, int from)
    {
        int lo = from, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The maximum categories a report's histogram lists; the statistics always use all of them.</summary>
    public const int MaxHistogramCategories = 500;

    /// <summary>Counts per category for the report; past <see cref="MaxHistogramCategories"/> the smallest are summed into one entry.</summary>
    private static DriftHistogram CategoryHistogram(string[] labels, long[] reference, long[] current)
    {
        if (labels.Length <= MaxHistogramCategories)
        {
            return new DriftHistogram(DriftHistogram.CategoriesKind, null, labels, reference, current);
        }

        var kept = Enumerable.Range(0, labels.Length).OrderByDescending(i => Math.Max(reference[i], current[i])).Take(MaxHistogramCategories - 1).Order().ToArray();
        var keptSet = kept.ToHashSet();
        var rest = Enumerable.Range(0, labels.Length).Where(i => !keptSet.Contains(i)).ToList();
        return new DriftHistogram(DriftHistogram.CategoriesKind, null,
            [.. kept.Select(i => labels[i]), $"({rest.Count} more)"],
            [.. kept.Select(i => reference[i]), rest.Sum(i => reference[i])],
            [.. kept.Select(i => current[i]), rest.Sum(i => current[i])]);
    }

    /// <summary>Drops the bins empty in both samples (they carry nothing, and would add an epsilon artefact to PSI).</summary>
    private static (long[] Reference, long[] Current) Trim(long[] reference, long[] current)
    {
        var keep = Enumerable.Range(0, reference.Length).Where(i => reference[i] + current[i] > 0).ToArray();
        return (keep.Select(i => reference[i]).ToArray(), keep.Select(i => current[i]).ToArray());
    }

    private static void AddBinnedMetrics(Dictionary<string, double> metrics, long[] r, long[] c, long nR, long nC)
    {
        var rs = Binning.Shares(r, nR);
        var cs = Binning.Shares(c, nC);
        metrics["psi"] = Divergences.PsiFilled(rs, cs);
        metrics["jensenshannon"] = Divergences.JensenShannonDistance(rs, cs);
    }

    /// <summary>A binned method's statistic and p-value (null for distances) on counts over shared bins.</summary>
    private static (double Statistic, double? PValue) Binned(DriftMethod method, long[] r, long[] c, long nR, long nC, DriftOptions options)
    {
        var rs = Binning.Shares(r, nR);
        var cs = Binning.Shares(c, nC);
        if (method == DriftMethod.Psi)
        {
            return (Divergences.PsiFilled(rs, cs), null);
        }

        if (method == DriftMethod.KlDiv)
        {
            return (Divergences.KullbackLeiblerFilled(rs, cs), null);
        }

        if (method == DriftMethod.JensenShannon)
        {
            return (Divergences.JensenShannonDistance(rs, cs), null);
        }

        if (method == DriftMethod.Hellinger)
        {
            return (Divergences.Hellinger(rs, cs), null);
        }

        if (method == DriftMethod.LInfinity)
        {
            return (Divergences.LInfinity(rs, cs), null);
        }

        if (method == DriftMethod.ChiSquare)
        {
            var chi = CategoricalTests.ChiSquare(r, c);
            return (chi.Statistic, chi.PValue);
        }

        if (method == DriftMethod.Z)
        {
            var z = CategoricalTests.ProportionsZ(nR - r[0], nR, nC - c[0], nC);
            return (z.Statistic, z.PValue);
        }

        if (method == DriftMethod.TotalVariation)
        {
            double observed = Divergences.TotalVariation(rs, cs);
            return (observed, PermutationPValue(r, c, observed, options.Permutations));
        }

        throw new DriftInputException($"method '{method.Name}' needs numbers.");
    }

    /// <summary>Share of random re-splits of the pooled rows (seeded) whose TVD is at least the observed one.</summary>
    internal static double PermutationPValue(long[] r, long[] c, double observed, int permutations)
    {
        long nR = r.Sum(), nC = c.Sum();
        var pooled = new int[nR + nC];
        int p = 0;
        for (int k = 0; k < r.Length; k++)
        {
            for (long i = 0; i < r[k] + c[k]; i++)
            {
                pooled[p++] = k;
            }
        }

        var random = new Random(0);
        var split = new long[r.Length];
        var total = r.Zip(c, (a, b) => a + b).ToArray();
        int atLeast = 0;
        for (int iteration = 0; iteration < permutations; iteration++)
        {
            Array.Clear(split);
            for (int i = 0; i < nR; i++)
            {
                int j = i + random.Next(pooled.Length - i);
                (pooled[i], pooled[j]) = (pooled[j], pooled[i]);
                split[pooled[i]]++;
            }

            double tvd = 0;
            for (int k = 0; k < split.Length; k++)
            {
                tvd += Math.Abs((double)split[k] / nR - (double)(total[k] - split[k]) / nC);
            }

            if (tvd / 2 >= observed - 1e-12)
            {
                atLeast++;
            }
        }

        return (double)atLeast / permutations;
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Percent(double share) =>
        share is > 0 and < 0.0001 ? "<0.01%" : share.ToString("0.##%", CultureInfo.InvariantCulture);
}
