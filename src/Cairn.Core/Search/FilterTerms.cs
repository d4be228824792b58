namespace Cairn.Core.Search;

public enum Comparator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Like,
    ILike,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

/// <summary>What a search identifier refers to once its entity prefix is resolved.</summary>
public enum FilterEntity
{
    Attribute,
    Metric,
    Param,
    Tag,
    Dataset,
}

public abstract record FilterValue;

public sealed record NumberValue(double Value) : FilterValue;

public sealed record StringValue(string Value) : FilterValue;

public sealed record ListValue(IReadOnlyList<string> Values) : FilterValue;

/// <summary>The value of <c>IS NULL</c> / <c>IS NOT NULL</c>: the key is absent / present.</summary>
public sealed record NullValue : FilterValue
{
    public static readonly NullValue Instance = new();
}

/// <summary>One <c>identifier comparator value</c> term; a filter is a conjunction of these.</summary>
public sealed record Comparison(FilterEntity Entity, string Key, Comparator Op, FilterValue Value)
{
    /// <summary>For a metric: which write-time summary is compared (the latest value, as in MLflow, unless said otherwise).</summary>
    public MetricAggregate Aggregate { get; init; } = MetricAggregate.Last;
}

public sealed record OrderTerm(FilterEntity Entity, string Key, bool Ascending)
{
    /// <summary>For a metric: which write-time summary orders the runs (the latest value unless said otherwise).</summary>
    public MetricAggregate Aggregate { get; init; } = MetricAggregate.Last;
}

/// <summary>The per-run, per-key metric summaries kept at write time.</summary>
public enum MetricAggregate
{
    Last,
    Min,
    Max,
    Count,
}

public static class ComparatorText
{
    public static string ToText(this Comparator op) => op switch
    {
        Comparator.Equal => "=",
        Comparator.NotEqual => "!=",
        Comparator.Less => "<",
        Comparator.LessOrEqual => "<=",
        Comparator.Greater => ">",
        Comparator.GreaterOrEqual => ">=",
        Comparator.Like => "LIKE",
        Comparator.ILike => "ILIKE",
        Comparator.In => "IN",
        Comparator.NotIn => "NOT IN",
        Comparator.IsNull => "IS NULL",
        Comparator.IsNotNull => "IS NOT NULL",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static bool IsNumeric(this Comparator op) => op is Comparator.Equal or Comparator.NotEqual
        or Comparator.Less or Comparator.LessOrEqual or Comparator.Greater or Comparator.GreaterOrEqual;

    public static bool IsString(this Comparator op) => op is Comparator.Equal or Comparator.NotEqual
        or Comparator.Like or Comparator.ILike;

    public static bool IsPresence(this Comparator op) => op is Comparator.IsNull or Comparator.IsNotNull;
}
