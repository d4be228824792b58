namespace Cairn.Core.Search;

/// <summary>Filter and order_by for registered-model and model-version searches.</summary>
public static class RegistrySearch
{
    public const string Name = "name";
    public const string RunId = "run_id";
    public const string SourcePath = "source_path";
    public const string VersionNumber = "version_number";
    public const string CreationTimestamp = "creation_timestamp";
    public const string LastUpdatedTimestamp = "last_updated_timestamp";

    public static IReadOnlyList<Comparison> ParseModelFilter(string? filter) =>
        FilterParser.Parse(filter).Select(raw =>
        {
            var entity = ResolveEntity(raw.Entity);
            if (entity == FilterEntity.Attribute && raw.Key != Name)
            {
                throw SearchErrors.Invalid($"Invalid attribute key '{raw.Key}' for registered models: only name and tags are searchable.");
            }

            return StringTerm(raw, entity);
        }).ToList();

    public static IReadOnlyList<Comparison> ParseVersionFilter(string? filter) =>
        FilterParser.Parse(filter).Select(raw =>
        {
            var entity = ResolveEntity(raw.Entity);
            if (entity == FilterEntity.Tag)
            {
                return StringTerm(raw, entity);
            }

            switch (raw.Key)
            {
                case Name or SourcePath:
                    return StringTerm(raw, entity);
                case RunId when raw.Op is Comparator.In:
                    return new Comparison(entity, raw.Key, raw.Op, raw.Value);
                case RunId:
                    return StringTerm(raw, entity);
                case VersionNumber:
                    RunSearch.Require(raw, raw.Op.IsNumeric(), "version_number accepts =, !=, <, <=, >, >=");
                    return raw.Value is NumberValue
                        ? new Comparison(entity, raw.Key, raw.Op, raw.Value)
                        : throw SearchErrors.Invalid("Invalid value for version_number: expected a number.");
                default:
                    throw SearchErrors.Invalid(
                        $"Invalid attribute key '{raw.Key}' for model versions. Valid keys are name, run_id, source_path, version_number and tags.");
            }
        }).ToList();

    public static IReadOnlyList<OrderTerm> ParseModelOrder(IReadOnlyList<string>? orderBy) =>
        ParseOrder(orderBy, key => key switch
        {
            Name => Name,
            "timestamp" or LastUpdatedTimestamp => LastUpdatedTimestamp,
            _ => null,
        }, "name, timestamp and last_updated_timestamp");

    public static IReadOnlyList<OrderTerm> ParseVersionOrder(IReadOnlyList<string>? orderBy) =>
        ParseOrder(orderBy, key => key is Name or VersionNumber or CreationTimestamp or LastUpdatedTimestamp ? key : null,
            "name, version_number, creation_timestamp and last_updated_timestamp");

    private static List<OrderTerm> ParseOrder(IReadOnlyList<string>? orderBy, Func<string, string?> canonical, string allowed)
    {
        var terms = new List<OrderTerm>();
        foreach (var raw in FilterParser.ParseOrderBy(orderBy))
        {
            var key = (raw.Entity is null or "attribute" ? canonical(raw.Key) : null)
                ?? throw SearchErrors.Invalid($"Invalid order_by key '{raw.Key}'. Valid keys are {allowed}.");
            if (terms.Any(t => t.Key == key))
            {
                throw SearchErrors.Invalid($"order_by names '{raw.Key}' more than once.");
            }

            terms.Add(new OrderTerm(FilterEntity.Attribute, key, raw.Ascending));
        }

        return terms;
    }

    private static Comparison StringTerm(RawComparison raw, FilterEntity entity)
    {
        RunSearch.Require(raw, raw.Op.IsString(), "this key accepts =, !=, LIKE, ILIKE");
        RunSearch.RequireString(raw);
        return new Comparison(entity, raw.Key, raw.Op, raw.Value);
    }

    private static FilterEntity ResolveEntity(string? entity) => entity switch
    {
        null or "attribute" => FilterEntity.Attribute,
        "tag" or "tags" => FilterEntity.Tag,
        _ => throw SearchErrors.Invalid($"Invalid entity type '{entity}'. Valid values are attribute, tag and tags."),
    };
}
