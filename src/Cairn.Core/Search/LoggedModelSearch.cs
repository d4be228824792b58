namespace Cairn.Core.Search;

/// <summary>Filter for logged-models/search: model columns, params and tags, joined by AND.</summary>
public static class LoggedModelSearch
{
    public static readonly IReadOnlySet<string> StringColumns = new HashSet<string>(StringComparer.Ordinal) { "name", "model_id", "model_type", "source_run_id", "status" };

    public static IReadOnlyList<Comparison> ParseFilter(string? filter) =>
        FilterParser.Parse(filter).Select(raw =>
        {
            var entity = raw.Entity?.ToLowerInvariant() switch
            {
                null or "attribute" or "attributes" => FilterEntity.Attribute,
                "param" or "params" => FilterEntity.Param,
                "tag" or "tags" => FilterEntity.Tag,
                "metric" or "metrics" => throw SearchErrors.Invalid("Filtering logged models by metrics is not supported yet."),
                _ => throw SearchErrors.Invalid($"Invalid entity type '{raw.Entity}'. Valid values are params, tags and model attributes."),
            };
            if (entity == FilterEntity.Attribute && raw.Key is "creation_timestamp" or "creation_time" or "creation_timestamp_ms" or "last_updated_timestamp" or "last_updated_timestamp_ms")
            {
                RunSearch.Require(raw, raw.Op.IsNumeric(), $"{raw.Key} accepts =, !=, <, <=, >, >=");
                return raw.Value is NumberValue
                    ? new Comparison(entity, raw.Key.StartsWith("creation", StringComparison.Ordinal) ? "creation_timestamp_ms" : "last_updated_timestamp_ms", raw.Op, raw.Value)
                    : throw SearchErrors.Invalid($"Invalid value for {raw.Key}: expected a number.");
            }

            if (entity == FilterEntity.Attribute && !StringColumns.Contains(raw.Key))
            {
                throw SearchErrors.Invalid($"Invalid attribute key '{raw.Key}' for logged models. Valid keys are {string.Join(", ", StringColumns)} and creation_timestamp.");
            }

            if (raw.Op is Comparator.In or Comparator.NotIn)
            {
                RunSearch.Require(raw, entity == FilterEntity.Attribute, "only model attributes accept IN and NOT IN");
                return new Comparison(entity, raw.Key, raw.Op, raw.Value);
            }

            RunSearch.Require(raw, raw.Op.IsString(), "this key accepts =, !=, LIKE, ILIKE");
            RunSearch.RequireString(raw);
            return new Comparison(entity, raw.Key, raw.Op, raw.Value);
        }).ToList();
}
