using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.Core.Search;

/// <summary>
/// Page tokens of logged-models/search: the offset plus a digest of the search it belongs to, so a token replayed with
/// other experiment ids, filter, datasets or order is a 400 rather than a silently wrong page (as MLflow 3 does).
/// </summary>
public static class LoggedModelPageToken
{
    private const string OffsetField = "{\"offset\": ";
    private const string SearchField = ", \"search\": \"";

    /// <summary>A digest of everything that decides which models a search returns and in what order.</summary>
    public static string Fingerprint(IEnumerable<string?> searchParts)
    {
        var text = string.Join("\u001f", searchParts.Select(p => p ?? "\u0000"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    public static string Encode(long offset, string fingerprint) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{OffsetField}{offset.ToString(CultureInfo.InvariantCulture)}{SearchField}{fingerprint}\"}}"));

    public static long Decode(string? token, string fingerprint)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        if (token.Length <= 300 && Base64.IsValid(token))
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var search = text.IndexOf(SearchField, StringComparison.Ordinal);
            if (text.StartsWith(OffsetField, StringComparison.Ordinal) && search > 0 && text.EndsWith("\"}", StringComparison.Ordinal)
                && long.TryParse(text[OffsetField.Length..search], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return text[(search + SearchField.Length)..^2] == fingerprint
                    ? offset
                    : throw CairnException.InvalidParameter("The page token belongs to a different search: experiment_ids, filter, datasets and order_by must stay the same between pages.");
            }
        }

        throw CairnException.InvalidParameter($"Invalid page token '{(token.Length <= 64 ? token : token[..64] + "…")}'.");
    }
}
