using Cairn.Core.Search;

namespace Cairn.Storage.Sql;

/// <summary>Compiles typed registry filters into SQL whose values are all parameters.</summary>
internal static class RegistrySearchSql
{
    public const string DeletedVersionFilter = "v.deleted = 0";

    private const string PromptTag = "mlflow.prompt.is_prompt";

    public static bool IsPromptTerm(Comparison term) =>
        term.Entity == FilterEntity.Tag && term.Key == PromptTag && term.Op is Comparator.Equal or Comparator.NotEqual
        && term.Value is StringValue { Value: "true" };

    /// <summary>
    /// MLflow 3's prompt rule: <c>tags.`mlflow.prompt.is_prompt` = 'true'</c> selects prompts only; <c>!= 'true'</c>, or no
    /// prompt condition at all, excludes prompts, and models without the tag count as "not a prompt".
    /// </summary>
    public static string PromptRule(IReadOnlyList<Comparison> filter, string table, string link, SqlParameters parameters)
    {
        var promptsOnly = filter.Any(t => IsPromptTerm(t) && t.Op == Comparator.Equal);
        var exists = $"EXISTS (SELECT 1 FROM {table} t WHERE {link} AND t.key = {parameters.Add(PromptTag)} AND t.value = 'true')";
        return promptsOnly ? exists : "NOT " + exists;
    }

    public static string ModelCondition(Comparison term, SqlDialect dialect, SqlParameters parameters) =>
        term.Entity == FilterEntity.Tag
            ? $"EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.model_key = m.model_key AND t.key = {parameters.Add(term.Key)} AND {dialect.Compare("t.value", term.Op, ((StringValue)term.Value).Value, parameters)})"
            : dialect.Compare("m.name", term.Op, ((StringValue)term.Value).Value, parameters);

    public static string VersionCondition(Comparison term, SqlDialect dialect, SqlParameters parameters)
    {
        if (term.Entity == FilterEntity.Tag)
        {
            return $"EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_key = v.model_key AND t.version = v.version AND t.key = {parameters.Add(term.Key)} AND {dialect.Compare("t.value", term.Op, ((StringValue)term.Value).Value, parameters)})";
        }

        var column = VersionColumn(term.Key);
        return term.Value switch
        {
            NumberValue number => SqlDialect.NumberCompare(column, term.Op, number.Value, parameters),
            ListValue list => dialect.InList(column, term.Op, list.Values, parameters),
            StringValue text => dialect.Compare(column, term.Op, text.Value, parameters),
            _ => throw new InvalidOperationException("Unknown filter value."),
        };
    }

    public static string VersionColumn(string key) => key switch
    {
        RegistrySearch.Name => "m.name",
        RegistrySearch.RunId => "v.run_id",
        RegistrySearch.SourcePath => "v.source",
        RegistrySearch.VersionNumber => "v.version",
        RegistrySearch.CreationTimestamp => "v.creation_timestamp",
        RegistrySearch.LastUpdatedTimestamp => "v.last_updated_timestamp",
        _ => throw new InvalidOperationException($"Unknown model version key '{key}'."),
    };
}
