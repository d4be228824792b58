using Cairn.Core.Search;

namespace Cairn.Storage.Sql;

/// <summary>Compiles typed registry filters into SQL whose values are all parameters.</summary>
internal static class RegistrySearchSql
{
    public const string DeletedVersionFilter = "v.deleted = 0";

    private const string PromptTag = "mlflow.prompt.is_prompt";

    /// <summary>
    /// MLflow 3's prompt rule, as its SQL store applies it: the first condition on <c>mlflow.prompt.is_prompt</c> decides.
    /// <c>= 'true'</c> or <c>!= 'false'</c> (any case) asks for prompts, and then every condition is an ordinary tag
    /// condition; anything else, or no such condition, asks for models that are not prompts: the prompt-tag conditions are
    /// dropped and rows with the tag set to 'true' are excluded, so models without the tag match.
    /// </summary>
    public static bool QueriesPrompts(IReadOnlyList<Comparison> filter) =>
        filter.FirstOrDefault(IsPromptTag) is { Value: StringValue value } first
        && ((first.Op == Comparator.Equal && value.Value.Equals("true", StringComparison.OrdinalIgnoreCase))
            || (first.Op == Comparator.NotEqual && value.Value.Equals("false", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The conditions left to compile, and the exclusion of prompts when the search is not for prompts.</summary>
    public static (IEnumerable<Comparison> Conditions, string? Exclusion) PromptRule(IReadOnlyList<Comparison> filter, string table, string link, SqlParameters parameters) =>
        QueriesPrompts(filter)
            ? (filter, null)
            : (filter.Where(t => !IsPromptTag(t)), $"NOT EXISTS (SELECT 1 FROM {table} t WHERE {link} AND t.key = {parameters.Add(PromptTag)} AND t.value = 'true')");

    private static bool IsPromptTag(Comparison term) => term.Entity == FilterEntity.Tag && term.Key == PromptTag;

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
