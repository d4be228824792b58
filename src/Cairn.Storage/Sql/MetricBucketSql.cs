using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// The upsert that folds a batch's pyramid cells (<see cref="MetricPyramid"/>) into <c>metric_buckets</c>, the same
/// on both databases: counts add up, and each extreme is replaced only by a lower (min, first) or higher (max, last)
/// point under the tie rules <see cref="MetricPyramid"/> uses, so folding in any order gives the same cells.
/// </summary>
internal static class MetricBucketSql
{
    public const string Columns = """
        run_key, key, shift, bucket, point_count, value_count, min_value, min_step, min_time, max_value, max_step, max_time,
        first_value, first_step, first_time, last_value, last_step, last_time
        """;

    /// <summary>The <c>ON CONFLICT</c> clause; <paramref name="stored"/> names the stored row (<c>""</c> or <c>"b."</c>).</summary>
    public static string OnConflict(string stored) => $"""
        ON CONFLICT (run_key, key, shift, bucket) DO UPDATE SET
            point_count = {stored}point_count + excluded.point_count,
            value_count = {stored}value_count + excluded.value_count,
            {Replace(stored, "min", ["value", "step", "time"], "<")},
            {Replace(stored, "max", ["value", "step", "time"], ">")},
            {Replace(stored, "first", ["step", "time", "value"], "<")},
            {Replace(stored, "last", ["step", "time", "value"], ">")}
        """;

    private static string Replace(string stored, string extreme, string[] order, string comparison)
    {
        var incoming = string.Join(", ", order.Select(c => $"excluded.{extreme}_{c}"));
        var current = string.Join(", ", order.Select(c => $"{stored}{extreme}_{c}"));
        var wins = $"({stored}{extreme}_value IS NULL OR ({incoming}) {comparison} ({current}))";
        return string.Join(",\n    ", order.Select(c => $"{extreme}_{c} = CASE WHEN {wins} THEN excluded.{extreme}_{c} ELSE {stored}{extreme}_{c} END"));
    }
}
