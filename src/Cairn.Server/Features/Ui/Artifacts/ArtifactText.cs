using System.Text;
using Cairn.Core.Artifacts;

namespace Cairn.Server.Features.Ui.Artifacts;

/// <summary>A piece of a text artifact: what was read, where it sits in the file, and whether that is all of it.</summary>
internal sealed record TextWindow(string Text, long Offset, long Length, long TotalLength)
{
    public bool IsWhole => Offset == 0 && Length == TotalLength;
}

/// <summary>Reads the head or tail of a text artifact with one ranged read, cut at line boundaries.</summary>
internal static class ArtifactText
{
    /// <summary>What a text preview reads: enough to fill a screen many times, small enough to arrive at once.</summary>
    public const int WindowBytes = 64 * 1024;

    public static async Task<TextWindow?> ReadAsync(IArtifactStore store, ArtifactPath path, ArtifactRange range, CancellationToken cancellationToken)
    {
        var slice = await store.ReadRangeAsync(path, range, cancellationToken);
        if (slice is null)
        {
            return null;
        }

        await using (slice)
        {
            var bytes = await ReadAllAsync(slice.Content, slice.Length, cancellationToken);
            var start = 0;
            var end = bytes.Length;
            if (slice.Offset > 0)
            {
                // A tail starts mid-line: begin after the first line break.
                var newline = Array.IndexOf(bytes, (byte)'\n');
                start = newline >= 0 && newline + 1 < bytes.Length ? newline + 1 : 0;
            }

            if (slice.Offset + slice.Length < slice.TotalLength)
            {
                // A head ends mid-line (maybe mid-character): stop after the last line break.
                var newline = Array.LastIndexOf(bytes, (byte)'\n');
                end = newline >= start ? newline + 1 : end;
            }

            var text = Encoding.UTF8.GetString(bytes, start, end - start);
            return new TextWindow(text, slice.Offset + start, end - start, slice.TotalLength);
        }
    }

    public static async Task<byte[]> ReadAllAsync(Stream content, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await content.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == buffer.Length ? buffer : buffer[..read];
    }

    /// <summary>The size of a file without reading it (a one-byte range answers with the total), or null when it is missing.</summary>
    public static async Task<long?> SizeAsync(IArtifactStore store, ArtifactPath path, CancellationToken cancellationToken)
    {
        var slice = await store.ReadRangeAsync(path, ArtifactRange.Head(1), cancellationToken);
        if (slice is null)
        {
            return null;
        }

        await using (slice)
        {
            return slice.TotalLength;
        }
    }
}
