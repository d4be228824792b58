using Cairn.Core.Registry;

namespace Cairn.Serving.Models;

/// <summary>What <c>-m</c> names: <c>[name=]uri</c>. Without a name, the registered model's name in the URI, else "model".</summary>
public sealed record ModelSource(string Name, string Uri)
{
    public const string DefaultName = "model";

    public static ModelSource Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0 && IsName(text[..equals]))
        {
            var uri = text[(equals + 1)..];
            if (uri.Length == 0)
            {
                throw new ArgumentException($"'-m {text}' names a model but no URI.");
            }

            return new ModelSource(text[..equals], uri);
        }

        return new ModelSource(RegisteredName(text) ?? DefaultName, text);
    }

    /// <summary>A name usable in /v2/models/{name} paths.</summary>
    public static bool IsName(string text) =>
        text.Length is > 0 and <= 256 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string? RegisteredName(string uri)
    {
        if (!uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return ModelUri.Parse(uri) switch
            {
                ModelVersionUri v => v.Name,
                ModelAliasUri a => a.Name,
                ModelStageUri s => s.Name,
                ModelLatestUri l => l.Name,
                _ => null,
            };
        }
        catch (Cairn.Core.CairnException)
        {
            return null;
        }
    }
}
