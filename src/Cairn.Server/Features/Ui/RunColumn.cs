using System.Globalization;
using Cairn.Core;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui;

/// <summary>
/// A column of the runs table as it is written in the URL: <c>params.lr</c>, <c>tags.team</c>, <c>metrics.loss</c> (the
/// latest value) or <c>metrics.loss~min</c> / <c>~max</c> / <c>~count</c> (summaries kept at write time).
/// </summary>
internal sealed record RunColumn(FilterEntity Kind, string Key, MetricAggregate Aggregate)
{
    private static readonly Dictionary<string, FilterEntity> Kinds = new(StringComparer.Ordinal)
    {
        ["params"] = FilterEntity.Param,
        ["metrics"] = FilterEntity.Metric,
        ["tags"] = FilterEntity.Tag,
    };

    public string Id => Kind switch
    {
        FilterEntity.Param => "params." + Key,
        FilterEntity.Tag => "tags." + Key,
        _ => "metrics." + Key + (Aggregate == MetricAggregate.Last ? "" : "~" + Aggregate.ToString().ToLowerInvariant()),
    };

    public string Title => Kind == FilterEntity.Metric && Aggregate != MetricAggregate.Last ? $"{Key} ({Aggregate.ToString().ToLowerInvariant()})" : Key;

    public bool IsNumeric => Kind == FilterEntity.Metric;

    public static RunColumn? TryParse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !Kinds.TryGetValue(text[..dot], out var kind))
        {
            return null;
        }

        var key = text[(dot + 1)..];
        var aggregate = MetricAggregate.Last;
        var tilde = key.LastIndexOf('~');
        if (kind == FilterEntity.Metric && tilde > 0
            && Enum.TryParse(key[(tilde + 1)..], ignoreCase: true, out MetricAggregate parsed) && !int.TryParse(key[(tilde + 1)..], out _))
        {
            (key, aggregate) = (key[..tilde], parsed);
        }

        return key.Length == 0 ? null : new RunColumn(kind, key, aggregate);
    }

    public static List<RunColumn> ParseList(string? text) =>
        string.IsNullOrEmpty(text) ? [] : [.. text.Split(',').Select(TryParse).OfType<RunColumn>().Distinct()];

    public OrderTerm ToOrder(bool ascending) => new(Kind, Key, ascending) { Aggregate = Aggregate };

    public string Cell(Run run, IReadOnlyDictionary<(RunId, string), RunMetricSummary> summaries)
    {
        switch (Kind)
        {
            case FilterEntity.Param:
                return run.Data.Params.FirstOrDefault(p => p.Key == Key)?.Value ?? "";
            case FilterEntity.Tag:
                return run.Data.Tags.FirstOrDefault(t => t.Key == Key)?.Value ?? "";
            default:
                if (!summaries.TryGetValue((run.Info.RunId, Key), out var s))
                {
                    return "";
                }

                return Aggregate switch
                {
                    MetricAggregate.Min => UiFormat.Number(s.Min),
                    MetricAggregate.Max => UiFormat.Number(s.Max),
                    MetricAggregate.Count => s.Count.ToString(CultureInfo.InvariantCulture),
                    _ => UiFormat.Number(s.Last),
                };
        }
    }
}

/// <summary>The fixed columns every runs table shows first; they sort by run attributes.</summary>
internal static class RunAttributeColumns
{
    public static readonly (string Id, string Title, string Attribute)[] All =
    [
        ("name", "Run", "run_name"),
        ("status", "Status", "status"),
        ("start", "Started (UTC)", "start_time"),
        ("end", "Ended (UTC)", "end_time"),
    ];

    public static OrderTerm? Order(string id, bool ascending) =>
        All.FirstOrDefault(c => c.Id == id) is { Attribute: not null } column
            ? RunSearch.ParseOrderBy([$"attributes.{column.Attribute} {(ascending ? "ASC" : "DESC")}"])[0]
            : null;
}

/// <summary>Parses the order in the URL: a column id and a direction, <c>metrics.loss~min desc</c>.</summary>
internal static class RunOrder
{
    public static (string Column, bool Ascending)? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var space = text.LastIndexOf(' ');
        var direction = space < 0 ? "desc" : text[(space + 1)..];
        var column = space < 0 ? text : text[..space];
        return (column, direction.Equals("asc", StringComparison.OrdinalIgnoreCase));
    }

    public static OrderTerm? ToTerm(string? text)
    {
        if (Parse(text) is not { } order)
        {
            return null;
        }

        if (RunAttributeColumns.Order(order.Column, order.Ascending) is { } attribute)
        {
            return attribute;
        }

        return RunColumn.TryParse(order.Column)?.ToOrder(order.Ascending)
            ?? throw CairnException.InvalidParameter($"Cannot sort by '{order.Column}': pick a column header to sort by it.");
    }
}
