using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// The <c>run_keys</c> catalogue: which param, metric and tag keys an experiment's runs have used, written with each
/// batch (keys are never removed, so a deleted run's keys stay listed).
/// </summary>
internal static class RunKeys
{
    public const string Param = "param";
    public const string Metric = "metric";
    public const string Tag = "tag";

    public static string Kind(FilterEntity kind) => kind switch
    {
        FilterEntity.Metric => Metric,
        FilterEntity.Param => Param,
        FilterEntity.Tag => Tag,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only params, metrics and tags have keys."),
    };

    /// <summary>The batch's distinct (kind, key) pairs in one order, so concurrent writers insert them alike.</summary>
    public static List<(string Kind, string Key)> Of(LogBatch batch) =>
        [.. batch.Params.Select(p => (Param, p.Key))
            .Concat(batch.Tags.Select(t => (Tag, t.Key)))
            .Concat(batch.Metrics.Select(m => (Metric, m.Key)))
            .Distinct()
            .OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal)];
}
