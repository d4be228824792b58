using Cairn.Core.Search;

namespace Cairn.Core.Tracking;

/// <summary>
/// A run search reduced to a few columns, for a plot over thousands of runs: the runs matching the filter, newest first
/// (the runs table's default order), at most <see cref="MaxResults"/>, and per run the value of each param in
/// <see cref="ParamKeys"/> and the latest value of each metric in <see cref="MetricKeys"/>. A null key list reads every
/// key the runs have.
/// </summary>
public sealed record RunColumnQuery(
    IReadOnlyList<ExperimentId> ExperimentIds,
    IReadOnlyList<Comparison> Filter,
    ViewType ViewType,
    int MaxResults,
    IReadOnlyList<string>? ParamKeys,
    IReadOnlyList<string>? MetricKeys);

/// <summary>One param's values, aligned with <see cref="RunColumns.RunIds"/>; null where a run lacks it.</summary>
public sealed record ParamColumn(string Key, IReadOnlyList<string?> Values);

/// <summary>One metric's latest values, aligned with <see cref="RunColumns.RunIds"/>; null where a run lacks it, NaN where its latest point is NaN.</summary>
public sealed record MetricColumn(string Key, IReadOnlyList<double?> Values);

/// <summary>
/// The runs of a <see cref="RunColumnQuery"/> and their values column by column, columns in key order. A named key is
/// always a column; with every key read, a column exists for each key at least one run has. <see cref="Truncated"/>
/// says more runs matched than were read.
/// </summary>
public sealed record RunColumns(
    IReadOnlyList<RunId> RunIds,
    IReadOnlyList<string> RunNames,
    IReadOnlyList<ParamColumn> Params,
    IReadOnlyList<MetricColumn> Metrics,
    bool Truncated);
