using System.Globalization;
using Cairn.Core.Tracking;
using Cairn.Core.Validation;

namespace Cairn.Core.Registry;

public static class RegistryValidation
{
    public const int MaxNameLength = 256;
    public const int MaxTagKeyLength = 250;
    public const int MaxTagValueLength = 100_000;
    public const int MaxAliasLength = 255;
    public const int MaxDescriptionLength = 5000;
    public const int MaxSourceLength = 500;
    public const int MaxSearchModels = 1000;
    public const int DefaultSearchModels = 100;
    public const int MaxSearchVersions = 200_000;

    public static string ModelName(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CairnException.MissingParameter(field);
        }

        TrackingValidation.CheckLength("Registered model name", name, MaxNameLength);
        return name;
    }

    public static long Version(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            throw CairnException.MissingParameter("version");
        }

        return long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw CairnException.InvalidParameter($"Model version must be an integer, got '{version}'.");
    }

    public static KeyValue Tag(string? key, string? value)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw CairnException.MissingParameter("key");
        }

        TrackingValidation.CheckLength("Tag key", key, MaxTagKeyLength);
        if (!TrackingValidation.IsValidName(key))
        {
            throw CairnException.InvalidParameter($"Invalid tag name: '{key}'.");
        }

        TrackingValidation.CheckLength("Tag value", value ?? "", MaxTagValueLength);
        return new KeyValue(key, value ?? "");
    }

    public static string Description(string? description)
    {
        TrackingValidation.CheckLength("Description", description ?? "", MaxDescriptionLength);
        return description ?? "";
    }

    /// <summary>Letters, digits, <c>_</c> and <c>-</c>; not <c>latest</c>, not <c>v&lt;digits&gt;</c> (reserved for versions).</summary>
    public static string Alias(string? alias)
    {
        if (string.IsNullOrEmpty(alias))
        {
            throw CairnException.MissingParameter("alias");
        }

        if (alias.Length > MaxAliasLength || !alias.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw CairnException.InvalidParameter(
                $"Invalid alias name: '{alias}'. Aliases have 1 to {MaxAliasLength} letters, digits, underscores and dashes.");
        }

        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase)
            || (alias.Length > 1 && alias[0] is 'v' or 'V' && alias[1..].All(char.IsAsciiDigit)))
        {
            throw CairnException.InvalidParameter($"Invalid alias name: '{alias}'. 'latest' and 'v<number>' are reserved.");
        }

        return alias;
    }
}
