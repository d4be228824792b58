using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>How metric values are stored: SQL has no NaN, so NaN is value 0 with <c>is_nan = 1</c>.</summary>
internal static class StoredMetrics
{
    /// <summary>Infinities are stored as ±double.MaxValue as MLflow's SQL store does.</summary>
    public static (double Value, long IsNan) ToStored(double value) => value switch
    {
        double.NaN => (0, 1),
        double.PositiveInfinity => (double.MaxValue, 0),
        double.NegativeInfinity => (double.MinValue, 0),
        _ => (value, 0),
    };

    public static double FromStored(double value, long isNan) => isNan != 0 ? double.NaN : value;

    /// <summary>Per key, the summary of the points a batch actually inserted.</summary>
    public static Dictionary<string, MetricSummary> Summarise(IEnumerable<(string Key, long Step, long Timestamp, double Value, long IsNan)> inserted)
    {
        var summaries = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
        foreach (var (key, step, timestamp, value, isNan) in inserted)
        {
            if (summaries.TryGetValue(key, out var summary))
            {
                summary.Add(step, timestamp, value, isNan);
            }
            else
            {
                summaries[key] = new MetricSummary(step, timestamp, value, isNan);
            }
        }

        return summaries;
    }

    /// <summary>All steps when they fit; otherwise evenly spaced steps plus each run's first and last step.</summary>
    public static HashSet<long> SampleSteps(IReadOnlyList<List<long>> stepsPerRun, int maxResults)
    {
        var all = stepsPerRun.SelectMany(s => s).Distinct().Order().ToList();
        if (all.Count <= maxResults)
        {
            return [.. all];
        }

        var sampled = new HashSet<long>();
        var interval = (double)(all.Count - 1) / Math.Max(1, maxResults - 1);
        for (var i = 0; i < maxResults; i++)
        {
            sampled.Add(all[(int)Math.Round(i * interval)]);
        }

        foreach (var steps in stepsPerRun.Where(s => s.Count > 0))
        {
            sampled.Add(steps[0]);
            sampled.Add(steps[^1]);
        }

        return sampled;
    }
}

/// <summary>Latest point by (step, timestamp, value) and min/max/count of one key within a batch.</summary>
internal sealed class MetricSummary(long step, long timestamp, double value, long isNan)
{
    public long Step { get; private set; } = step;

    public long Timestamp { get; private set; } = timestamp;

    public double Value { get; private set; } = value;

    public long IsNan { get; private set; } = isNan;

    public double? Min { get; private set; } = isNan != 0 ? null : value;

    public double? Max { get; private set; } = isNan != 0 ? null : value;

    public long Count { get; private set; } = 1;

    /// <summary>The latest timestamp of any point (the latest point by step may carry an older one).</summary>
    public long MaxTimestamp { get; private set; } = timestamp;

    public void Add(long step, long timestamp, double value, long isNan)
    {
        Count++;
        MaxTimestamp = Math.Max(MaxTimestamp, timestamp);
        if (isNan == 0)
        {
            Min = Min is null ? value : Math.Min(Min.Value, value);
            Max = Max is null ? value : Math.Max(Max.Value, value);
        }

        if ((step, timestamp, value).CompareTo((Step, Timestamp, Value)) > 0)
        {
            (Step, Timestamp, Value, IsNan) = (step, timestamp, value, isNan);
        }
    }
}

/// <summary>The not-found and state errors every store raises with MLflow's wording.</summary>
internal static class StoreErrors
{
    public static Core.CairnException RunNotFound(RunId id) => Core.CairnException.NotFound($"Run with id={id} not found");

    public static Core.CairnException ExperimentNotFound(ExperimentId id) => Core.CairnException.NotFound($"No Experiment with id={id} exists");

    public static Core.CairnException RunNotActive(RunId id) =>
        Core.CairnException.InvalidParameter($"The run {id} must be in the 'active' state. Current state is deleted.");

    public static Core.CairnException ExperimentNotActive(ExperimentId id) =>
        Core.CairnException.InvalidParameter($"The experiment {id} must be in the 'active' state. Current state is deleted.");

    public static Core.CairnException ModelNotFound(string name) => Core.CairnException.NotFound($"Registered Model with name={name} not found");

    public static Core.CairnException VersionNotFound(string name, long version) =>
        Core.CairnException.NotFound($"Model Version (name={name}, version={version}) not found");

    public static Core.CairnException LoggedModelNotFound(string modelId) => Core.CairnException.NotFound($"Logged model with ID '{modelId}' not found.");

    public static Core.CairnException WebhookNotFound(long id) => Core.CairnException.NotFound($"Webhook {id} not found");
}
