using Microsoft.Net.Http.Headers;

namespace Cairn.Serving.Mlflow;

/// <summary>MLflow's Content-Type rules for /invocations: JSON or CSV, UTF-8 only, no other parameters.</summary>
internal static class ContentTypes
{
    public enum Kind
    {
        Json,
        Csv,
    }

    /// <summary>The body's kind, or the 415 message MLflow answers with.</summary>
    public static (Kind? Kind, string? Refusal) Check(string? header)
    {
        if (header is null || !MediaTypeHeaderValue.TryParse(header, out var media))
        {
            return (null, Unsupported(header ?? ""));
        }

        Kind? kind = media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ? Kind.Json
            : media.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) ? Kind.Csv
            : null;
        if (kind is null)
        {
            return (null, Unsupported(media.MediaType.ToString()));
        }

        foreach (var parameter in media.Parameters)
        {
            if (!parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return (null, $"Unrecognized content type parameters: {parameter.Name}. {Unsupported(header)}");
            }

            if (!HeaderUtilities.RemoveQuotes(parameter.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                return (null, "The scoring server only supports UTF-8");
            }
        }

        return (kind, null);
    }

    private static string Unsupported(string given) =>
        $"This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '{given}'.";
}
