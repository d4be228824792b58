using Cairn.Core.Tracking;

namespace Cairn.Core.Search;

/// <summary>Filter and order for logged-models/search: model columns, metrics, params and tags, joined by AND.</summary>
public static class LoggedModelSearch
{
    public static readonly IReadOnlySet<string> StringColumns = new HashSet<string>(StringComparer.Ordinal) { "name", "model_id", "model_type", "source_run_id", "status" };

    private const string MetricPrefix = "metrics.";

    public static IReadOnlyList<Comparison> ParseFilter(string? filter) =>
        FilterParser.Parse(filter).Select(raw =>
        {
            var entity = raw.Entity?.ToLowerInvariant() switch
            {
                null or "attribute" or "attributes" => FilterEntity.Attribute,
                "param" or "params" => FilterEntity.Param,
                "tag" or "tags" => FilterEntity.Tag,
                "metric" or "metrics" => FilterEntity.Metric,
                _ => throw SearchErrors.Invalid($"Invalid entity type '{raw.Entity}'. Valid values are metrics, params, tags and model attributes."),
            };
            var timestamp = entity == FilterEntity.Attribute ? TimestampColumn(raw.Key) : null;
            if (entity == FilterEntity.Metric || timestamp is not null)
            {
                RunSearch.Require(raw, raw.Op.IsNumeric(), $"{raw.Key} accepts =, !=, <, <=, >, >=");
                return raw.Value is NumberValue
                    ? new Comparison(entity, timestamp ?? raw.Key, raw.Op, raw.Value)
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

    /// <summary>
    /// order_by entries as the 3.x client sends them: <c>field_name</c> is a model column (<c>creation_timestamp</c>,
    /// <c>last_updated_timestamp</c>, <c>name</c>, …) or <c>metrics.&lt;key&gt;</c>; <c>ascending</c> defaults to true.
    /// </summary>
    public static IReadOnlyList<LoggedModelOrder> ParseOrder(IEnumerable<(string? FieldName, bool? Ascending, string? DatasetName, string? DatasetDigest)> orderBy)
    {
        var terms = new List<LoggedModelOrder>();
        foreach (var (fieldName, ascending, datasetName, datasetDigest) in orderBy)
        {
            var field = fieldName?.Trim() ?? "";
            var dataset = Dataset(datasetName, datasetDigest);
            LoggedModelOrder term;
            if (field.StartsWith(MetricPrefix, StringComparison.Ordinal) && field.Length > MetricPrefix.Length)
            {
                term = new LoggedModelOrder(null, field[MetricPrefix.Length..], ascending ?? true, dataset);
            }
            else
            {
                var column = TimestampColumn(field) ?? (StringColumns.Contains(field) ? field : null)
                    ?? throw SearchErrors.Invalid($"Invalid order_by field_name '{field}' for logged models. Valid names are metrics.<key>, "
                        + $"creation_timestamp, last_updated_timestamp and {string.Join(", ", StringColumns)}.");
                if (dataset is not null)
                {
                    throw SearchErrors.Invalid($"order_by on '{field}' cannot name a dataset; only metrics are computed on datasets.");
                }

                term = new LoggedModelOrder(column, null, ascending ?? true, null);
            }

            if (terms.Any(t => t.Column == term.Column && t.Metric == term.Metric && t.Dataset == term.Dataset))
            {
                throw SearchErrors.Invalid($"order_by names '{field}' more than once.");
            }

            terms.Add(term);
        }

        return terms;
    }

    public static IReadOnlyList<DatasetRef> ParseDatasets(IEnumerable<(string? DatasetName, string? DatasetDigest)> datasets) =>
        datasets.Select(d => Dataset(d.DatasetName, d.DatasetDigest) ?? throw CairnException.MissingParameter("datasets.dataset_name")).ToList();

    private static DatasetRef? Dataset(string? name, string? digest) =>
        string.IsNullOrEmpty(name)
            ? string.IsNullOrEmpty(digest) ? null : throw SearchErrors.Invalid("A dataset_digest needs its dataset_name.")
            : new DatasetRef(name, string.IsNullOrEmpty(digest) ? null : digest);

    private static string? TimestampColumn(string key) => key switch
    {
        "creation_timestamp" or "creation_time" or "creation_timestamp_ms" => "creation_timestamp_ms",
        "last_updated_timestamp" or "last_updated_timestamp_ms" => "last_updated_timestamp_ms",
        _ => null,
    };
}
