using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sql;

/// <summary>Compiles typed experiment filters and order terms into SQL whose values are all parameters.</summary>
internal static class ExperimentSearchSql
{
    public static string Condition(Comparison term, SqlDialect dialect, SqlParameters parameters)
    {
        if (term.Entity == FilterEntity.Tag && term.Op.IsPresence())
        {
            var exists = $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = experiments.experiment_id AND t.key = {parameters.Add(term.Key)})";
            return term.Op == Comparator.IsNull ? "NOT " + exists : exists;
        }

        if (term.Entity == FilterEntity.Tag)
        {
            var value = ((StringValue)term.Value).Value;
            return $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = experiments.experiment_id AND t.key = {parameters.Add(term.Key)} AND {dialect.Compare("t.value", term.Op, value, parameters)})";
        }

        return term.Key == ExperimentSearch.Name
            ? dialect.Compare("name", term.Op, ((StringValue)term.Value).Value, parameters)
            : SqlDialect.NumberCompare(term.Key, term.Op, ((NumberValue)term.Value).Value, parameters);
    }

    public static string Order(IReadOnlyList<OrderTerm> orderBy, SqlDialect dialect)
    {
        if (orderBy.Count == 0)
        {
            return "creation_time DESC, experiment_id ASC";
        }

        var clauses = orderBy.Select(t => $"{t.Key} {dialect.Direction(t.Ascending)}").ToList();
        if (!orderBy.Any(t => t.Key == ExperimentSearch.ExperimentIdKey))
        {
            clauses.Add("experiment_id DESC");
        }

        return string.Join(", ", clauses);
    }

    public static string ViewTypeCondition(string column, ViewType viewType) => viewType switch
    {
        ViewType.ActiveOnly => $"{column} = 'active'",
        ViewType.DeletedOnly => $"{column} = 'deleted'",
        _ => "1 = 1",
    };
}
