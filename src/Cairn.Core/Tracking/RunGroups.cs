using Cairn.Core.Search;

namespace Cairn.Core.Tracking;

/// <summary>
/// Runs of one experiment grouped by the value of a param or tag (<see cref="Kind"/> and <see cref="Key"/>), with
/// per group the number of runs and, for each metric summary asked for, its mean, minimum and maximum.
/// </summary>
public sealed record RunGroupQuery(
    ExperimentId ExperimentId,
    IReadOnlyList<Comparison> Filter,
    FilterEntity Kind,
    string Key,
    IReadOnlyList<(string Key, MetricAggregate Aggregate)> Metrics,
    int MaxGroups);

/// <summary>One group: its value (null for the runs without the param or tag), its run count and metric statistics.</summary>
public sealed record RunGroup(string? Value, long RunCount, IReadOnlyList<MetricGroupStats> Metrics);

/// <summary>A metric summary over a group's runs that have it (NaN left out); all null when none has.</summary>
public sealed record MetricGroupStats(double? Mean, double? Min, double? Max, long Count);
