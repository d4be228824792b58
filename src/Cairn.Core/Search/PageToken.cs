using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Cairn.Core.Search;

/// <summary>Opaque page tokens: base64 of <c>{"offset": N}</c>, as MLflow clients have seen them.</summary>
public static class PageToken
{
    public static string Encode(long offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset.ToString(CultureInfo.InvariantCulture)}}}"));

    public static long Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        if (token.Length <= 200 && Base64.IsValid(token))
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            const string prefix = "{\"offset\":";
            if (text.StartsWith(prefix, StringComparison.Ordinal) && text.EndsWith('}')
                && long.TryParse(text[prefix.Length..^1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }

        throw CairnException.InvalidParameter($"Invalid page token '{Truncate(token)}'.");
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
