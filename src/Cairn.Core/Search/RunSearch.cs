namespace Cairn.Core.Search;

/// <summary>Attributes of a run that the search language can compare and order by.</summary>
public enum RunAttribute
{
    RunId,
    RunName,
    Status,
    UserId,
    ArtifactUri,
    StartTime,
    EndTime,
}

/// <summary>Dataset fields of a run's inputs that filters may compare.</summary>
public enum DatasetField
{
    Name,
    Digest,
    Context,
}

/// <summary>Turns filter and order_by text for runs/search into typed terms, or a 400 that says what is wrong.</summary>
public static class RunSearch
{
    public static IReadOnlyList<Comparison> ParseFilter(string? filter)
    {
        var terms = new List<Comparison>();
        foreach (var raw in FilterParser.Parse(filter, summaries: true))
        {
            terms.Add(Resolve(raw));
        }

        return terms;
    }

    public static IReadOnlyList<OrderTerm> ParseOrderBy(IReadOnlyList<string>? orderBy)
    {
        var terms = new List<OrderTerm>();
        foreach (var raw in FilterParser.ParseOrderBy(orderBy))
        {
            var entity = ResolveEntity(raw.Entity);
            var key = raw.Key;
            if (entity == FilterEntity.Dataset)
            {
                throw SearchErrors.Invalid($"Invalid order_by key 'datasets.{raw.Key}': datasets cannot be ordered by.");
            }

            if (entity == FilterEntity.Attribute)
            {
                key = AttributeName(ParseAttribute(raw.Key));
            }

            ValidateKey(key);
            if (terms.Any(t => t.Entity == entity && t.Key == key))
            {
                throw SearchErrors.Invalid($"order_by names '{raw.Key}' more than once.");
            }

            terms.Add(new OrderTerm(entity, key, raw.Ascending));
        }

        return terms;
    }

    public static RunAttribute ParseAttributeName(string name) => ParseAttribute(name);

    private static Comparison Resolve(RawComparison raw)
    {
        var entity = ResolveEntity(raw.Entity);
        ValidateKey(raw.Key);
        if (raw.Aggregate != MetricAggregate.Last && entity != FilterEntity.Metric)
        {
            var name = raw.Aggregate.ToString().ToLowerInvariant();
            throw SearchErrors.Invalid($"Invalid filter: {name}(…) takes a metric, like {name}(metrics.loss) < 0.2; found '{raw.Entity ?? "attributes"}.{raw.Key}'.");
        }

        switch (entity)
        {
            case FilterEntity.Metric:
                Require(raw, raw.Op.IsNumeric(), "metrics accept =, !=, <, <=, >, >=");
                if (raw.Value is not NumberValue)
                {
                    throw SearchErrors.Invalid($"Invalid value for metrics.{raw.Key}: expected a number, found a string.");
                }

                return new Comparison(entity, raw.Key, raw.Op, raw.Value) { Aggregate = raw.Aggregate };
            case FilterEntity.Param or FilterEntity.Tag:
                if (raw.Op.IsPresence())
                {
                    return new Comparison(entity, raw.Key, raw.Op, raw.Value);
                }

                Require(raw, raw.Op.IsString(), "params and tags accept =, !=, LIKE, ILIKE, IS NULL, IS NOT NULL");
                RequireString(raw);
                return new Comparison(entity, raw.Key, raw.Op, raw.Value);
            case FilterEntity.Dataset:
                var field = raw.Key.ToLowerInvariant() switch
                {
                    "name" => DatasetField.Name,
                    "digest" => DatasetField.Digest,
                    "context" => DatasetField.Context,
                    _ => throw SearchErrors.Invalid($"Invalid dataset key '{raw.Key}': expected name, digest or context."),
                };
                Require(raw, raw.Op.IsString() || raw.Op is Comparator.In or Comparator.NotIn, "datasets accept =, !=, LIKE, ILIKE, IN, NOT IN");
                if (raw.Value is NumberValue)
                {
                    throw SearchErrors.Invalid($"Invalid value for datasets.{raw.Key}: expected a quoted string.");
                }

                return new Comparison(entity, field.ToString(), raw.Op, raw.Value);
            default:
                return ResolveAttribute(raw);
        }
    }

    private static Comparison ResolveAttribute(RawComparison raw)
    {
        var attribute = ParseAttribute(raw.Key);
        var name = AttributeName(attribute);
        if (attribute is RunAttribute.StartTime or RunAttribute.EndTime)
        {
            Require(raw, raw.Op.IsNumeric(), $"{name} accepts =, !=, <, <=, >, >=");
            if (raw.Value is not NumberValue)
            {
                throw SearchErrors.Invalid($"Invalid value for {name}: expected a number (milliseconds since the epoch).");
            }

            return new Comparison(FilterEntity.Attribute, name, raw.Op, raw.Value);
        }

        if (raw.Op is Comparator.In or Comparator.NotIn)
        {
            Require(raw, attribute == RunAttribute.RunId, "only run_id accepts IN and NOT IN");
            var ids = ((ListValue)raw.Value).Values.Where(v => !v.Any(char.IsUpper)).ToList();
            return new Comparison(FilterEntity.Attribute, name, raw.Op, new ListValue(ids));
        }

        Require(raw, raw.Op.IsString(), $"{name} accepts =, !=, LIKE, ILIKE");
        RequireString(raw);
        return new Comparison(FilterEntity.Attribute, name, raw.Op, raw.Value);
    }

    private static FilterEntity ResolveEntity(string? entity) => entity?.ToLowerInvariant() switch
    {
        null or "attribute" or "attributes" or "attr" or "run" => FilterEntity.Attribute,
        "metric" or "metrics" => FilterEntity.Metric,
        "param" or "params" or "parameter" or "parameters" => FilterEntity.Param,
        "tag" or "tags" => FilterEntity.Tag,
        "dataset" or "datasets" => FilterEntity.Dataset,
        _ => throw SearchErrors.Invalid(
            $"Invalid entity type '{entity}'. Valid values are metrics, params, tags, attributes and datasets."),
    };

    private static RunAttribute ParseAttribute(string key) => key switch
    {
        "run_id" => RunAttribute.RunId,
        "run_name" or "run name" or "Run name" or "Run Name" => RunAttribute.RunName,
        "status" => RunAttribute.Status,
        "user_id" => RunAttribute.UserId,
        "artifact_uri" => RunAttribute.ArtifactUri,
        "start_time" or "created" or "Created" => RunAttribute.StartTime,
        "end_time" => RunAttribute.EndTime,
        _ => throw SearchErrors.Invalid(
            $"Invalid attribute key '{key}'. Valid keys are run_id, run_name, status, user_id, artifact_uri, start_time, end_time and created."),
    };

    private static string AttributeName(RunAttribute attribute) => attribute switch
    {
        RunAttribute.RunId => "run_id",
        RunAttribute.RunName => "run_name",
        RunAttribute.Status => "status",
        RunAttribute.UserId => "user_id",
        RunAttribute.ArtifactUri => "artifact_uri",
        RunAttribute.StartTime => "start_time",
        _ => "end_time",
    };

    internal static void ValidateKey(string key)
    {
        if (key.Length == 0)
        {
            throw SearchErrors.Invalid("Invalid filter: an identifier has an empty key.");
        }
    }

    internal static void Require(RawComparison raw, bool condition, string rule)
    {
        if (!condition)
        {
            throw SearchErrors.Invalid($"Invalid comparator '{raw.Op.ToText()}' for '{raw.Key}': {rule}.");
        }
    }

    internal static void RequireString(RawComparison raw)
    {
        if (raw.Value is not StringValue)
        {
            throw SearchErrors.Invalid($"Invalid value for '{raw.Key}': expected a quoted string.");
        }
    }
}
