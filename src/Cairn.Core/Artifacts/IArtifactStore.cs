namespace Cairn.Core.Artifacts;

/// <summary>One directory entry; files carry their size and last write time (gc spares recently written files).</summary>
public sealed record ArtifactEntry(string Name, bool IsDirectory, long? Size, DateTimeOffset? LastModified = null);

/// <summary>Blob storage for artifacts, addressed by checked relative paths under one root.</summary>
public interface IArtifactStore
{
    /// <summary>Writes the whole stream; readers never see a partly written file.</summary>
    Task WriteAsync(ArtifactPath path, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a file for reading, or null when there is no file at the path.</summary>
    Task<ArtifactFile?> OpenReadAsync(ArtifactPath path, CancellationToken cancellationToken);

    /// <summary>
    /// Reads only the bytes of <paramref name="range"/> (the store seeks or asks its backend for that range, so a preview
    /// of a huge file costs what it shows), or null when there is no file at the path.
    /// </summary>
    Task<ArtifactSlice?> ReadRangeAsync(ArtifactPath path, ArtifactRange range, CancellationToken cancellationToken);

    /// <summary>One directory level; empty when the directory does not exist.</summary>
    Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath directory, CancellationToken cancellationToken);

    /// <summary>Copies a file or a directory tree to a new path (links are skipped); a missing source copies nothing.</summary>
    Task CopyAsync(ArtifactPath source, ArtifactPath destination, CancellationToken cancellationToken);

    /// <summary>Deletes a file or a whole directory tree; a missing path is not an error.</summary>
    Task DeleteAsync(ArtifactPath path, CancellationToken cancellationToken);
}

public sealed record ArtifactFile(Stream Content, long Length, DateTimeOffset LastModified) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
