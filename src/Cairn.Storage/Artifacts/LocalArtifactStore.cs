using Cairn.Core;
using Cairn.Core.Artifacts;
using System.IO.Enumeration;

namespace Cairn.Storage.Artifacts;

/// <summary>
/// Artifacts in a folder on local disk. Every path is resolved under the root and refused if it leaves it
/// or passes through a symbolic link; files are written to a temporary name and renamed into place.
/// </summary>
public sealed class LocalArtifactStore : IArtifactStore
{
    private const int BufferSize = 1 << 16;
    private readonly string _root;

    public LocalArtifactStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public async Task WriteAsync(ArtifactPath path, Stream content, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw CairnException.InvalidParameter("An artifact upload needs a file path.");
        }

        var target = Resolve(path);
        if (Directory.Exists(target))
        {
            throw CairnException.InvalidParameter($"Cannot write artifact '{path}': a directory of that name exists.");
        }

        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        EnsureNoLinks(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                await content.CopyToAsync(file, BufferSize, cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Task<ArtifactFile?> OpenReadAsync(ArtifactPath path, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        var info = new FileInfo(target);
        if (path.IsRoot || !info.Exists || info.LinkTarget is not null)
        {
            return Task.FromResult<ArtifactFile?>(null);
        }

        var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, useAsync: true);
        return Task.FromResult<ArtifactFile?>(new ArtifactFile(stream, stream.Length, info.LastWriteTimeUtc));
    }

    public Task<ArtifactSlice?> ReadRangeAsync(ArtifactPath path, ArtifactRange range, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        var info = new FileInfo(target);
        if (path.IsRoot || !info.Exists || info.LinkTarget is not null)
        {
            return Task.FromResult<ArtifactSlice?>(null);
        }

        var stream = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, useAsync: true);
        var total = stream.Length;
        if (range.Resolve(total) is not { } span)
        {
            stream.Dispose();
            return Task.FromResult<ArtifactSlice?>(ArtifactSlice.Unsatisfied(total, info.LastWriteTimeUtc));
        }

        stream.Seek(span.Offset, SeekOrigin.Begin);
        return Task.FromResult<ArtifactSlice?>(
            new ArtifactSlice(new BoundedReadStream(stream, span.Length), span.Offset, span.Length, total, info.LastWriteTimeUtc));
    }

    public Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath directory, CancellationToken cancellationToken)
    {
        var target = Resolve(directory);
        var info = new DirectoryInfo(target);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return Task.FromResult<IReadOnlyList<ArtifactEntry>>([]);
        }

        // Straight from the directory enumeration, without a FileSystemInfo per entry: the kind and the link flag come
        // with readdir, and size and time share the one stat the entry needs. Partial uploads and links are not artifacts.
        var enumeration = new FileSystemEnumerable<ArtifactEntry>(target, ToEntry, new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0 && !IsPartialUpload(entry.FileName),
        };
        var entries = enumeration.ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return Task.FromResult<IReadOnlyList<ArtifactEntry>>(entries);
    }

    private static ArtifactEntry ToEntry(ref FileSystemEntry entry) => entry.IsDirectory
        ? new ArtifactEntry(entry.FileName.ToString(), true, null)
        : new ArtifactEntry(entry.FileName.ToString(), false, entry.Length, entry.LastWriteTimeUtc);

    private static bool IsPartialUpload(ReadOnlySpan<char> name) => name.StartsWith('.') && name.EndsWith(".part", StringComparison.Ordinal);

    public async Task CopyAsync(ArtifactPath source, ArtifactPath destination, CancellationToken cancellationToken)
    {
        var from = Resolve(source);
        var to = Resolve(destination);
        if (File.Exists(from) && new FileInfo(from).LinkTarget is null)
        {
            await CopyFileAsync(from, to, cancellationToken);
            return;
        }

        var directory = new DirectoryInfo(from);
        if (!directory.Exists || directory.LinkTarget is not null)
        {
            return;
        }

        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            var child = destination.Combine(entry.Name);
            if (entry is DirectoryInfo)
            {
                await CopyAsync(source.Combine(entry.Name), child, cancellationToken);
            }
            else if (!entry.Name.EndsWith(".part", StringComparison.Ordinal))
            {
                await CopyFileAsync(entry.FullName, Resolve(child), cancellationToken);
            }
        }
    }

    private async Task CopyFileAsync(string from, string to, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        EnsureNoLinks(Path.GetDirectoryName(to)!);
        await using var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        var temporary = to + $".{Guid.NewGuid():N}.part";
        try
        {
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                await input.CopyToAsync(output, BufferSize, cancellationToken);
            }

            File.Move(temporary, to, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Task DeleteAsync(ArtifactPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw CairnException.InvalidParameter("Refusing to delete the artifact root.");
        }

        var target = Resolve(path);
        var info = new FileInfo(target);
        if (info.LinkTarget is not null)
        {
            // Remove the link itself, never what it points to.
            info.Delete();
        }
        else if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        else if (info.Exists)
        {
            info.Delete();
        }

        return Task.CompletedTask;
    }

    private string Resolve(ArtifactPath path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path.Value));
        if (full != _root && !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw CairnException.InvalidParameter($"Invalid artifact path '{path}': it leaves the artifact root.");
        }

        EnsureNoLinks(Path.GetDirectoryName(full) ?? _root);
        return full;
    }

    /// <summary>Refuses a path whose folders below the root include a symbolic link (it could point anywhere).</summary>
    private void EnsureNoLinks(string directory)
    {
        var current = directory;
        while (current.Length > _root.Length)
        {
            var info = new DirectoryInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                throw CairnException.InvalidParameter("Invalid artifact path: it passes through a symbolic link.");
            }

            current = Path.GetDirectoryName(current)!;
        }
    }
}
