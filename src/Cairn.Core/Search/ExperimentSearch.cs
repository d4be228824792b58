namespace Cairn.Core.Search;

/// <summary>Filter and order_by for experiments/search: name, times and tags.</summary>
public static class ExperimentSearch
{
    public const string Name = "name";
    public const string CreationTime = "creation_time";
    public const string LastUpdateTime = "last_update_time";
    public const string ExperimentIdKey = "experiment_id";

    public static IReadOnlyList<Comparison> ParseFilter(string? filter)
    {
        var terms = new List<Comparison>();
        foreach (var raw in FilterParser.Parse(filter))
        {
            var entity = ResolveEntity(raw.Entity);
            RunSearch.ValidateKey(raw.Key);
            if (entity == FilterEntity.Tag && raw.Op.IsPresence())
            {
                // tags.<key> IS NULL / IS NOT NULL: the tag is absent / present.
            }
            else if (entity == FilterEntity.Tag)
            {
                RunSearch.Require(raw, raw.Op.IsString(), "tags accept =, !=, LIKE, ILIKE, IS NULL, IS NOT NULL");
                RunSearch.RequireString(raw);
            }
            else if (raw.Key is CreationTime or LastUpdateTime)
            {
                RunSearch.Require(raw, raw.Op.IsNumeric(), $"{raw.Key} accepts =, !=, <, <=, >, >=");
                if (raw.Value is not NumberValue)
                {
                    throw SearchErrors.Invalid($"Invalid value for {raw.Key}: expected a number (milliseconds since the epoch).");
                }
            }
            else if (raw.Key == Name)
            {
                RunSearch.Require(raw, raw.Op.IsString(), "name accepts =, !=, LIKE, ILIKE");
                RunSearch.RequireString(raw);
            }
            else
            {
                throw SearchErrors.Invalid($"Invalid attribute key '{raw.Key}'. Valid keys are name, creation_time and last_update_time.");
            }

            terms.Add(new Comparison(entity, raw.Key, raw.Op, raw.Value));
        }

        return terms;
    }

    public static IReadOnlyList<OrderTerm> ParseOrderBy(IReadOnlyList<string>? orderBy)
    {
        var terms = new List<OrderTerm>();
        foreach (var raw in FilterParser.ParseOrderBy(orderBy))
        {
            if (ResolveEntity(raw.Entity) != FilterEntity.Attribute
                || raw.Key is not (Name or ExperimentIdKey or CreationTime or LastUpdateTime))
            {
                throw SearchErrors.Invalid(
                    $"Invalid order_by key '{raw.Key}'. Valid keys are name, experiment_id, creation_time and last_update_time.");
            }

            if (terms.Any(t => t.Key == raw.Key))
            {
                throw SearchErrors.Invalid($"order_by names '{raw.Key}' more than once.");
            }

            terms.Add(new OrderTerm(FilterEntity.Attribute, raw.Key, raw.Ascending));
        }

        return terms;
    }

    private static FilterEntity ResolveEntity(string? entity) => entity switch
    {
        null or "attribute" => FilterEntity.Attribute,
        "tag" or "tags" => FilterEntity.Tag,
        _ => throw SearchErrors.Invalid($"Invalid entity type '{entity}'. Valid values are attribute, tag and tags."),
    };
}
