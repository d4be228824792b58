using System.Globalization;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Compare;

/// <summary>A value the compare page can plot or diff: a param (<c>params.lr</c>) or a metric's last value (<c>metrics.loss</c>).</summary>
public sealed record CompareField(string Kind, string Key)
{
    public string Id => $"{Kind}.{Key}";

    public static CompareField? Parse(string? id) => id?.Split('.', 2) is [var kind and ("params" or "metrics" or "tags"), var key] ? new(kind, key) : null;
}

/// <summary>One row of the diff table: a field and its value per run (null where the run has none).</summary>
public sealed record DiffRow(CompareField Field, IReadOnlyList<string?> Values)
{
    public bool Identical => Values.Distinct().Count() == 1;
}

/// <summary>
/// The runs being compared with their params, tags and metric summaries (kept at write time), and what the page derives
/// from them: the diff table, numeric values per field, Δ and %Δ against a baseline run.
/// </summary>
public sealed class CompareData(IReadOnlyList<Run> runs, IReadOnlyList<RunMetricSummary> summaries)
{
    /// <summary>How many runs one comparison holds.</summary>
    public const int MaxRuns = 100;

    private readonly Dictionary<(RunId, string), RunMetricSummary> _metrics = summaries.ToDictionary(s => (s.RunId, s.Key));

    public IReadOnlyList<Run> Runs { get; } = runs;

    public IReadOnlyList<string> MetricKeys { get; } = [.. summaries.Select(s => s.Key).Distinct().Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> ParamKeys { get; } = [.. runs.SelectMany(r => r.Data.Params).Select(p => p.Key).Distinct().Order(StringComparer.Ordinal)];

    private IReadOnlyList<string> TagKeys { get; } = [.. runs.SelectMany(r => r.Data.Tags).Select(t => t.Key)
        .Where(k => !k.StartsWith("mlflow.", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Params and metrics whose values can be placed on an axis (every present value is a number).</summary>
    /// <remarks>Worked out once: pages ask for it several times per render, and over 10,000 runs each pass parses every param.</remarks>
    public IReadOnlyList<CompareField> NumericFields => _numericFields ??=
        [.. ParamKeys.Select(k => new CompareField("params", k)).Where(f => Runs.Any(r => Number(r, f) is not null)
            && Runs.All(r => Text(r, f) is null || Number(r, f) is not null)),
         .. MetricKeys.Select(k => new CompareField("metrics", k))];

    private IReadOnlyList<CompareField>? _numericFields;

    public IEnumerable<DiffRow> Rows() =>
        ParamKeys.Select(k => new CompareField("params", k))
            .Concat(MetricKeys.Select(k => new CompareField("metrics", k)))
            .Concat(TagKeys.Select(k => new CompareField("tags", k)))
            .Select(f => new DiffRow(f, [.. Runs.Select(r => Text(r, f))]));

    public RunMetricSummary? Metric(Run run, string key) => _metrics.GetValueOrDefault((run.Info.RunId, key));

    public string? Text(Run run, CompareField field) => field.Kind switch
    {
        "params" => run.Data.Params.FirstOrDefault(p => p.Key == field.Key)?.Value,
        "tags" => run.Data.Tags.FirstOrDefault(t => t.Key == field.Key)?.Value,
        _ => Metric(run, field.Key) is { } m ? UiFormat.Number(m.Last) : null,
    };

    public double? Number(Run run, CompareField field) => field.Kind switch
    {
        "metrics" => Metric(run, field.Key) is { Last: var last } && double.IsFinite(last) ? last : null,
        _ => double.TryParse(Text(run, field), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null,
    };

    /// <summary>Δ and %Δ of a run's value against the baseline's (%Δ is null when the baseline is 0).</summary>
    public static (double Delta, double? Percent)? Delta(double? value, double? baseline) =>
        value is { } v && baseline is { } b ? (v - b, b == 0 ? null : (v - b) / Math.Abs(b) * 100) : null;

    /// <summary>The label a run goes by on the page: its name, or its id when it has none.</summary>
    public static string Label(Run run) => Label(run.Info.RunId, run.Info.RunName);

    public static string Label(RunId id, string? name) => string.IsNullOrEmpty(name) ? id.Value[..8] : name;
}

/// <summary>A run the compare page's picker offers: its id, label and start time as shown.</summary>
public sealed record PickCandidate(string RunId, string Label, string Started);
