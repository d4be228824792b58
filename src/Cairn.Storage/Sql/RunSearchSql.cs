using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>
/// Compiles a typed run search (filter terms, order terms, paging) into one parameterised SELECT.
/// Metric terms use the latest value per key, kept in <c>latest_metrics</c> at write time, or (the <c>min(…)</c>,
/// <c>max(…)</c>, <c>count(…)</c> extension) the min, max and count kept beside it.
/// </summary>
internal static class RunSearchSql
{
    /// <summary>The search as one SELECT of <paramref name="columns"/> (the run columns unless a read needs fewer) from <c>runs r</c>.</summary>
    public static string Build(RunQuery query, SqlDialect dialect, SqlParameters parameters, string columns = RunReader.RunColumns)
    {
        var where = new List<string>
        {
            dialect.InIds("r.experiment_id", query.ExperimentIds.Select(e => e.Value), parameters),
            ExperimentSearchSql.ViewTypeCondition("r.lifecycle_stage", query.ViewType),
        };
        foreach (var term in query.Filter)
        {
            where.Add(Condition(term, dialect, parameters));
        }

        var joins = new List<string>();
        var order = new List<string>();
        foreach (var term in query.OrderBy)
        {
            var direction = dialect.Direction(term.Ascending);
            var alias = "o" + joins.Count.ToString(CultureInfo.InvariantCulture);
            switch (term.Entity)
            {
                case FilterEntity.Metric:
                    joins.Add($"LEFT JOIN latest_metrics {alias} ON {alias}.run_key = r.run_key AND {alias}.key = {parameters.Add(term.Key)}");
                    if (term.Aggregate == MetricAggregate.Last)
                    {
                        // Real values first, then NaN, then runs without the metric, in both directions.
                        order.Add($"CASE WHEN {alias}.run_key IS NULL THEN 2 WHEN {alias}.is_nan = 1 THEN 1 ELSE 0 END");
                        order.Add($"{alias}.value {direction}");
                        break;
                    }

                    // Min and max are null when every point is NaN; those runs go with the runs without the metric.
                    var column = term.Aggregate switch { MetricAggregate.Min => "min_value", MetricAggregate.Max => "max_value", _ => "value_count" };
                    order.Add($"CASE WHEN {alias}.{column} IS NULL THEN 1 ELSE 0 END");
                    order.Add($"{alias}.{column} {direction}");
                    break;
                case FilterEntity.Param or FilterEntity.Tag:
                    var table = term.Entity == FilterEntity.Param ? "params" : "tags";
                    joins.Add($"LEFT JOIN {table} {alias} ON {alias}.run_key = r.run_key AND {alias}.key = {parameters.Add(term.Key)}");
                    order.Add($"CASE WHEN {alias}.run_key IS NULL THEN 1 ELSE 0 END");
                    order.Add($"{alias}.value {direction}");
                    break;
                default:
                    joins.Add("");
                    order.Add($"{AttributeColumn(term.Key)} {direction}");
                    break;
            }
        }

        if (!query.OrderBy.Any(t => t.Entity == FilterEntity.Attribute && t.Key == "start_time"))
        {
            order.Add($"r.start_time {dialect.Direction(false)}");
        }

        order.Add("r.run_uuid ASC");
        return $"""
            SELECT {columns} FROM runs r
            {string.Join("\n", joins.Where(j => j.Length > 0))}
            WHERE {string.Join("\n AND ", where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {query.MaxResults + 1} OFFSET {query.Offset}
            """;
    }

    internal static string Condition(Comparison term, SqlDialect dialect, SqlParameters parameters)
    {
        switch (term.Entity)
        {
            case FilterEntity.Metric when term.Aggregate != MetricAggregate.Last:
                // min(metrics.k) / max / count: the summaries kept at write time; min and max are null when every point is NaN.
                var summary = term.Aggregate switch { MetricAggregate.Min => "s.min_value", MetricAggregate.Max => "s.max_value", _ => "s.value_count" };
                return $"EXISTS (SELECT 1 FROM latest_metrics s WHERE s.run_key = r.run_key AND s.key = {parameters.Add(term.Key)} AND {summary} IS NOT NULL AND {SqlDialect.NumberCompare(summary, term.Op, ((NumberValue)term.Value).Value, parameters)})";
            case FilterEntity.Metric:
                var number = ((NumberValue)term.Value).Value;
                // A NaN latest value is unequal to every number and matches no ordering comparison.
                var nanRule = term.Op == Comparator.NotEqual ? $"(m.is_nan = 1 OR m.value != {parameters.Add(number)})" : $"m.is_nan = 0 AND {SqlDialect.NumberCompare("m.value", term.Op, number, parameters)}";
                return $"EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_key = r.run_key AND m.key = {parameters.Add(term.Key)} AND {nanRule})";
            case FilterEntity.Param or FilterEntity.Tag:
                var table = term.Entity == FilterEntity.Param ? "params" : "tags";
                if (term.Op.IsPresence())
                {
                    var exists = $"EXISTS (SELECT 1 FROM {table} x WHERE x.run_key = r.run_key AND x.key = {parameters.Add(term.Key)})";
                    return term.Op == Comparator.IsNull ? "NOT " + exists : exists;
                }

                return $"EXISTS (SELECT 1 FROM {table} x WHERE x.run_key = r.run_key AND x.key = {parameters.Add(term.Key)} AND {dialect.Compare("x.value", term.Op, ((StringValue)term.Value).Value, parameters)})";
            case FilterEntity.Dataset:
                return DatasetCondition(term, dialect, parameters);
            default:
                return AttributeCondition(term, dialect, parameters);
        }
    }

    private static string AttributeCondition(Comparison term, SqlDialect dialect, SqlParameters parameters)
    {
        var column = AttributeColumn(term.Key);
        return term.Value switch
        {
            NumberValue number => SqlDialect.NumberCompare(column, term.Op, number.Value, parameters),
            ListValue list => dialect.InList(column, term.Op, list.Values, parameters),
            StringValue text => dialect.Compare(column, term.Op, text.Value, parameters),
            _ => throw new InvalidOperationException("Unknown filter value."),
        };
    }

    private static string DatasetCondition(Comparison term, SqlDialect dialect, SqlParameters parameters)
    {
        var column = Enum.Parse<DatasetField>(term.Key) switch
        {
            DatasetField.Name => "d.name",
            DatasetField.Digest => "d.digest",
            _ => "t.value",
        };
        var join = column == "t.value"
            ? $"JOIN input_tags t ON t.run_key = i.run_key AND t.dataset_key = i.dataset_key AND t.key = {parameters.Add(WellKnownTags.DatasetContext)}"
            : "";
        var test = term.Value is ListValue list
            ? dialect.InList(column, Comparator.In, list.Values, parameters)
            : dialect.Compare(column, term.Op, ((StringValue)term.Value).Value, parameters);
        var exists = $"EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON d.dataset_key = i.dataset_key {join} WHERE i.run_key = r.run_key AND {test})";
        return term.Op == Comparator.NotIn ? "NOT " + exists : exists;
    }

    private static string AttributeColumn(string key) => key switch
    {
        "run_id" => "r.run_uuid",
        "run_name" => "r.name",
        "status" => "r.status",
        "user_id" => "r.user_id",
        "artifact_uri" => "r.artifact_uri",
        "start_time" => "r.start_time",
        "end_time" => "r.end_time",
        _ => throw new InvalidOperationException($"Unknown run attribute '{key}'."),
    };
}
