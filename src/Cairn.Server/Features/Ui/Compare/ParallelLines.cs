using System.Globalization;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Compare;

/// <summary>
/// What parallel coordinates draw: one line per run (its id and label) through one value per field, a column per
/// field aligned with the runs, null where a run has no number.
/// </summary>
public sealed record ParallelLines(IReadOnlyList<RunId> RunIds, IReadOnlyList<string> Labels, IReadOnlyList<CompareField> Fields, IReadOnlyList<double?[]> Values)
{
    public int Count => RunIds.Count;

    /// <summary>The compare page's runs over the given fields.</summary>
    public static ParallelLines Of(CompareData data, IReadOnlyList<CompareField> fields) => new(
        [.. data.Runs.Select(r => r.Info.RunId)], [.. data.Runs.Select(CompareData.Label)], fields,
        [.. fields.Select(f => data.Runs.Select(r => data.Number(r, f)).ToArray())]);

    /// <summary>
    /// The columns of a run search that can be placed on an axis, params then metrics, each in key order: a param
    /// whose every present value is a number (and at least one is), every metric (its latest value; NaN counts as none).
    /// The same fields <see cref="CompareData.NumericFields"/> finds among whole runs.
    /// </summary>
    public static List<(CompareField Field, double?[] Values)> NumericColumns(RunColumns columns)
    {
        var numeric = new List<(CompareField, double?[])>();
        foreach (var param in columns.Params)
        {
            var values = new double?[param.Values.Count];
            var all = true;
            var any = false;
            for (var i = 0; i < values.Length && all; i++)
            {
                if (param.Values[i] is not { } text)
                {
                    continue;
                }

                values[i] = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
                (all, any) = (values[i] is not null, any || values[i] is not null);
            }

            if (all && any)
            {
                numeric.Add((new CompareField("params", param.Key), values));
            }
        }

        foreach (var metric in columns.Metrics)
        {
            numeric.Add((new CompareField("metrics", metric.Key), [.. metric.Values.Select(v => v is { } x && double.IsFinite(x) ? x : (double?)null)]));
        }

        return numeric;
    }
}
