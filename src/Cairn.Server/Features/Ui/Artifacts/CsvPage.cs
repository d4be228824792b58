using System.Text;
using Cairn.Core.Artifacts;

namespace Cairn.Server.Features.Ui.Artifacts;

/// <summary>
/// One page of a CSV or TSV artifact, read from a byte offset with one ranged read, so page 1,000 of a huge file costs
/// what page 1 does. The next page starts at <see cref="NextOffset"/> (null at the end of the file).
/// </summary>
internal sealed record CsvPage(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, long Offset, long? NextOffset, long TotalLength)
{
    public const int RowsPerPage = 50;

    /// <summary>A page reads at most this much; a row longer than it is shown cut.</summary>
    private const int WindowBytes = 1024 * 1024;

    public static async Task<CsvPage?> ReadAsync(IArtifactStore store, ArtifactPath path, long offset, CancellationToken cancellationToken)
    {
        var separator = path.Name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        var head = await ReadWindowAsync(store, path, 0, 64 * 1024, cancellationToken);
        if (head is null)
        {
            return null;
        }

        var (headText, total, _) = head.Value;
        var headerRecords = Parse(headText, separator, 1, total <= 64 * 1024, out var headerChars);
        var header = headerRecords.Count > 0 ? headerRecords[0] : [];
        var headerBytes = Encoding.UTF8.GetByteCount(headText.AsSpan(0, headerChars));
        var start = Math.Max(offset, headerBytes);
        if (start >= total)
        {
            return new CsvPage(header, [], start, null, total);
        }

        var window = await ReadWindowAsync(store, path, start, WindowBytes, cancellationToken);
        var (text, _, reachesEnd) = window!.Value;
        var rows = Parse(text, separator, RowsPerPage, reachesEnd, out var consumed);
        var next = start + Encoding.UTF8.GetByteCount(text.AsSpan(0, consumed));
        return new CsvPage(header, rows, start, next < total && rows.Count > 0 ? next : null, total);
    }

    private static async Task<(string Text, long Total, bool ReachesEnd)?> ReadWindowAsync(IArtifactStore store, ArtifactPath path, long offset, int length,
        CancellationToken cancellationToken)
    {
        var slice = await store.ReadRangeAsync(path, ArtifactRange.Span(offset, length), cancellationToken);
        if (slice is null)
        {
            return null;
        }

        await using (slice)
        {
            var bytes = await ArtifactText.ReadAllAsync(slice.Content, slice.Length, cancellationToken);
            return (Encoding.UTF8.GetString(bytes), slice.TotalLength, slice.Offset + slice.Length >= slice.TotalLength);
        }
    }

    /// <summary>
    /// Up to <paramref name="maxRecords"/> records (RFC 4180 quoting). Only records that end in a line break count, unless
    /// the text reaches the end of the file; <paramref name="consumed"/> is the number of characters they take.
    /// </summary>
    internal static List<IReadOnlyList<string>> Parse(string text, char separator, int maxRecords, bool reachesEnd, out int consumed)
    {
        var records = new List<IReadOnlyList<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        consumed = 0;
        var i = 0;
        while (i < text.Length && records.Count < maxRecords)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                    continue;
                }

                if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                i++;
                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case var s when s == separator:
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add([.. fields]);
                    fields.Clear();
                    consumed = i + 1;
                    break;
                default:
                    field.Append(c);
                    break;
            }

            i++;
        }

        if (reachesEnd && i == text.Length && records.Count < maxRecords && (fields.Count > 0 || field.Length > 0))
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
            consumed = text.Length;
        }

        return records;
    }
}
