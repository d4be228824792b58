using System.Globalization;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sqlite;

/// <summary>
/// Compiles a typed run search (filter terms, order terms, paging) into one parameterised SELECT.
/// Metric terms use the latest value per key, kept in <c>latest_metrics</c> at write time.
/// </summary>
internal static class RunSearchSql
{
    public static string Build(RunQuery query, SqlParameters parameters)
    {
        var where = new List<string>
        {
            $"r.experiment_id IN (SELECT value FROM json_each({parameters.Add(SqliteReads.JsonIdList(query.ExperimentIds.Select(e => e.Value)))}))",
            SqliteTrackingStore.ViewTypeCondition("r.lifecycle_stage", query.ViewType),
        };
        foreach (var term in query.Filter)
        {
            where.Add(Condition(term, parameters));
        }

        var joins = new List<string>();
        var order = new List<string>();
        foreach (var term in query.OrderBy)
        {
            var direction = term.Ascending ? "ASC" : "DESC";
            var alias = "o" + joins.Count.ToString(CultureInfo.InvariantCulture);
            switch (term.Entity)
            {
                case FilterEntity.Metric:
                    joins.Add($"LEFT JOIN latest_metrics {alias} ON {alias}.run_key = r.run_key AND {alias}.key = {parameters.Add(term.Key)}");
                    // Real values first, then NaN, then runs without the metric, in both directions.
                    order.Add($"CASE WHEN {alias}.run_key IS NULL THEN 2 WHEN {alias}.is_nan = 1 THEN 1 ELSE 0 END");
                    order.Add($"{alias}.value {direction}");
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
            order.Add("r.start_time DESC");
        }

        order.Add("r.run_uuid ASC");
        return $"""
            SELECT {SqliteTrackingStore.RunColumns} FROM runs r
            {string.Join("\n", joins.Where(j => j.Length > 0))}
            WHERE {string.Join("\n AND ", where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {query.MaxResults + 1} OFFSET {query.Offset}
            """;
    }

    private static string Condition(Comparison term, SqlParameters parameters)
    {
        switch (term.Entity)
        {
            case FilterEntity.Metric:
                var number = ((NumberValue)term.Value).Value;
                // A NaN latest value is unequal to every number and matches no ordering comparison.
                var nanRule = term.Op == Comparator.NotEqual ? $"(m.is_nan = 1 OR m.value != {parameters.Add(number)})" : $"m.is_nan = 0 AND {SqlPatterns.NumberCompare("m.value", term.Op, number, parameters)}";
                return $"EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_key = r.run_key AND m.key = {parameters.Add(term.Key)} AND {nanRule})";
            case FilterEntity.Param or FilterEntity.Tag:
                var table = term.Entity == FilterEntity.Param ? "params" : "tags";
                if (term.Op.IsPresence())
                {
                    var exists = $"EXISTS (SELECT 1 FROM {table} x WHERE x.run_key = r.run_key AND x.key = {parameters.Add(term.Key)})";
                    return term.Op == Comparator.IsNull ? "NOT " + exists : exists;
                }

                return $"EXISTS (SELECT 1 FROM {table} x WHERE x.run_key = r.run_key AND x.key = {parameters.Add(term.Key)} AND {SqlPatterns.Compare("x.value", term.Op, ((StringValue)term.Value).Value, parameters)})";
            case FilterEntity.Dataset:
                return DatasetCondition(term, parameters);
            default:
                return AttributeCondition(term, parameters);
        }
    }

    private static string AttributeCondition(Comparison term, SqlParameters parameters)
    {
        var column = AttributeColumn(term.Key);
        return term.Value switch
        {
            NumberValue number => SqlPatterns.NumberCompare(column, term.Op, number.Value, parameters),
            ListValue list => SqlPatterns.InList(column, term.Op, list.Values, parameters),
            StringValue text => SqlPatterns.Compare(column, term.Op, text.Value, parameters),
            _ => throw new InvalidOperationException("Unknown filter value."),
        };
    }

    private static string DatasetCondition(Comparison term, SqlParameters parameters)
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
            ? SqlPatterns.InList(column, Comparator.In, list.Values, parameters)
            : SqlPatterns.Compare(column, term.Op, ((StringValue)term.Value).Value, parameters);
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

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class StorageJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
