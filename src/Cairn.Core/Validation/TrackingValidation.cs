using System.Globalization;
using Cairn.Core.Tracking;

namespace Cairn.Core.Validation;

/// <summary>Input checks that need no stored state; the store enforces the rest (existence, lifecycle, write-once params).</summary>
public static class TrackingValidation
{
    public static string RequireKey(string? key, string what)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw CairnException.MissingParameter("key");
        }

        if (key.Length > TrackingLimits.MaxKeyLength)
        {
            throw CairnException.InvalidParameter(
                $"{what} key '{Preview(key)}' had length {key.Length}, which exceeded length limit of {TrackingLimits.MaxKeyLength}.");
        }

        if (!IsValidName(key))
        {
            throw CairnException.InvalidParameter(
                $"Invalid {what.ToLowerInvariant()} name: '{Preview(key)}'. Names may only contain alphanumerics, underscores (_), dashes (-), "
                + "periods (.), spaces ( ), colons (:) and slashes (/), and may not be a path that changes under normalisation (such as '../x', 'a//b' or '/abs').");
        }

        return key;
    }

    /// <summary>Letters, digits, <c>_ - . / : space</c>; and the name must be a normalised relative path.</summary>
    public static bool IsValidName(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '/' or ':'))
            {
                return false;
            }
        }

        if (name == "." || name.StartsWith("..", StringComparison.Ordinal) || name.StartsWith('/') || name.EndsWith('/'))
        {
            return false;
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }
        }

        return true;
    }

    public static string ParamValue(string? value) => Truncate(value ?? "", TrackingLimits.MaxParamValueLength);

    public static string RunTagValue(string? value) => Truncate(value ?? "", TrackingLimits.MaxRunTagValueLength);

    public static KeyValue Param(string? key, string? value) => new(RequireKey(key, "Param"), ParamValue(value));

    public static KeyValue RunTag(string? key, string? value) => new(RequireKey(key, "Tag"), RunTagValue(value));

    public static KeyValue ExperimentTag(string? key, string? value)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw CairnException.MissingParameter("key");
        }

        CheckLength("Experiment tag key", key, TrackingLimits.MaxExperimentTagKeyLength);
        if (!IsValidName(key))
        {
            throw CairnException.InvalidParameter($"Invalid experiment tag name: '{Preview(key)}'.");
        }

        CheckLength("Experiment tag value", value ?? "", TrackingLimits.MaxExperimentTagValueLength);
        return new KeyValue(key, value ?? "");
    }

    public static Metric Metric(string? key, double? value, long? timestamp, long? step)
    {
        RequireKey(key, "Metric");
        if (value is null)
        {
            throw CairnException.MissingParameter("value");
        }

        if (timestamp is null)
        {
            throw CairnException.MissingParameter("timestamp");
        }

        if (timestamp < 0)
        {
            throw CairnException.InvalidParameter($"Metric '{key}' has a negative timestamp {timestamp}; timestamps are milliseconds since the epoch.");
        }

        return new Metric(key!, value.Value, timestamp.Value, step ?? 0);
    }

    public static string ExperimentName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw CairnException.InvalidParameter("Invalid experiment name: the name must be a non-empty string.");
        }

        CheckLength("Experiment name", name, TrackingLimits.MaxExperimentNameLength);
        return name;
    }

    public static void BatchSize(int metrics, int parameters, int tags)
    {
        if (metrics > TrackingLimits.MaxBatchMetrics)
        {
            throw CairnException.InvalidParameter(
                $"A batch logging request can contain at most {TrackingLimits.MaxBatchMetrics} metrics. Got {metrics} metrics.");
        }

        if (parameters > TrackingLimits.MaxBatchParams)
        {
            throw CairnException.InvalidParameter(
                $"A batch logging request can contain at most {TrackingLimits.MaxBatchParams} params. Got {parameters} params.");
        }

        if (tags > TrackingLimits.MaxBatchTags)
        {
            throw CairnException.InvalidParameter(
                $"A batch logging request can contain at most {TrackingLimits.MaxBatchTags} tags. Got {tags} tags.");
        }

        var total = metrics + parameters + tags;
        if (total > TrackingLimits.MaxBatchTotal)
        {
            throw CairnException.InvalidParameter(
                $"A batch logging request can contain at most {TrackingLimits.MaxBatchTotal} total metrics, params and tags. Got {total}.");
        }
    }

    /// <summary>Duplicate param keys in one batch are a client error; duplicate tags keep the last value.</summary>
    public static IReadOnlyList<KeyValue> UniqueParams(IReadOnlyList<KeyValue> parameters)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (!seen.Add(p.Key))
            {
                throw CairnException.InvalidParameter($"Duplicate parameter keys have been submitted: '{Preview(p.Key)}'. Please ensure the request contains only one param value per param key.");
            }
        }

        return parameters;
    }

    public static IReadOnlyList<KeyValue> LastTagWins(IReadOnlyList<KeyValue> tags)
    {
        if (tags.Count < 2)
        {
            return tags;
        }

        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<KeyValue>(tags.Count);
        foreach (var tag in tags)
        {
            if (byKey.TryGetValue(tag.Key, out var index))
            {
                result[index] = tag;
            }
            else
            {
                byKey[tag.Key] = result.Count;
                result.Add(tag);
            }
        }

        return result;
    }

    public static void CheckLength(string what, string value, int limit)
    {
        if (value.Length > limit)
        {
            throw CairnException.InvalidParameter(
                $"{what} '{Preview(value)}' had length {value.Length.ToString(CultureInfo.InvariantCulture)}, which exceeded length limit of {limit}.");
        }
    }

    public static int MaxResults(long? requested, int defaultValue, int max, string field = "max_results")
    {
        var value = requested ?? defaultValue;
        if (value < 1 || value > max)
        {
            throw CairnException.InvalidParameter($"Invalid value {value} for parameter '{field}' supplied. It must be between 1 and {max}.");
        }

        return (int)value;
    }

    internal static string Preview(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private static string Truncate(string value, int limit) => value.Length <= limit ? value : value[..limit];
}
