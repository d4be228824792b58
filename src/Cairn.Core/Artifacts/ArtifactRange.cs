namespace Cairn.Core.Artifacts;

/// <summary>
/// A byte range of one artifact as HTTP states it: from <see cref="Start"/> to <see cref="End"/> inclusive (to the end
/// of the file when <see cref="End"/> is null), or, for a tail, the last <see cref="SuffixLength"/> bytes.
/// </summary>
public readonly record struct ArtifactRange
{
    private ArtifactRange(long start, long? end, long? suffixLength) => (Start, End, SuffixLength) = (start, end, suffixLength);

    public long Start { get; }

    public long? End { get; }

    public long? SuffixLength { get; }

    /// <summary>The first <paramref name="length"/> bytes.</summary>
    public static ArtifactRange Head(long length) => Span(0, length);

    /// <summary>The last <paramref name="length"/> bytes.</summary>
    public static ArtifactRange Tail(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return new ArtifactRange(0, null, length);
    }

    /// <summary><paramref name="length"/> bytes from <paramref name="start"/>.</summary>
    public static ArtifactRange Span(long start, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return new ArtifactRange(start, start + length - 1, null);
    }

    /// <summary>From <paramref name="start"/> to <paramref name="end"/> inclusive, or to the end of the file.</summary>
    public static ArtifactRange Between(long start, long? end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), "The last byte comes before the first.");
        }

        return new ArtifactRange(start, end, null);
    }

    /// <summary>
    /// The offset and length this range covers in a file of <paramref name="totalLength"/> bytes, or null when it
    /// covers none of it (HTTP's "unsatisfiable": a start at or past the end, or any range of an empty file).
    /// </summary>
    public (long Offset, long Length)? Resolve(long totalLength)
    {
        if (totalLength == 0)
        {
            return null;
        }

        if (SuffixLength is { } suffix)
        {
            var length = Math.Min(suffix, totalLength);
            return (totalLength - length, length);
        }

        if (Start >= totalLength)
        {
            return null;
        }

        var last = Math.Min(End ?? totalLength - 1, totalLength - 1);
        return (Start, last - Start + 1);
    }

    /// <summary>The range in HTTP's and S3's <c>Range</c> header syntax.</summary>
    public string ToHeaderValue() =>
        SuffixLength is { } suffix ? $"bytes=-{suffix}" : End is { } end ? $"bytes={Start}-{end}" : $"bytes={Start}-";

    public override string ToString() => ToHeaderValue();
}

/// <summary>
/// The answer to a ranged read: the bytes from <see cref="Offset"/> (<see cref="Length"/> of them) of a file that is
/// <see cref="TotalLength"/> long. When the range covers none of the file, <see cref="Satisfied"/> is false and the
/// content is empty, so a caller can still say how long the file is.
/// </summary>
public sealed record ArtifactSlice(Stream Content, long Offset, long Length, long TotalLength, DateTimeOffset LastModified) : IAsyncDisposable
{
    public bool Satisfied => Length > 0;

    public static ArtifactSlice Unsatisfied(long totalLength, DateTimeOffset lastModified) =>
        new(Stream.Null, 0, 0, totalLength, lastModified);

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
