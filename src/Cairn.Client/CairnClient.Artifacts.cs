using System.Net.Http.Headers;
using Cairn.Contracts.Mlflow;

namespace Cairn.Client;

/// <summary>
/// Artifacts go through the server's proxy (<c>/api/2.0/mlflow-artifacts</c>), so the client needs no storage
/// credentials. Locations are <c>mlflow-artifacts:/…</c> URIs, as runs, logged models and versions report them.
/// </summary>
public sealed partial class CairnClient
{
    private const string ArtifactScheme = "mlflow-artifacts:";
    private const string ArtifactProxy = "api/2.0/mlflow-artifacts/artifacts";

    /// <summary>Streams one file to <c>{root}/{path}</c>.</summary>
    public async Task UploadArtifactAsync(string rootUri, string path, Stream content, CancellationToken cancellationToken = default)
    {
        var target = ProxyPath(rootUri, path);
        var seekable = content.CanSeek;
        var start = seekable ? content.Position : 0;
        using var response = await SendWithRetryAsync(() =>
        {
            if (seekable)
            {
                content.Position = start;
            }

            // The stream is read as it is sent; it is never copied whole into memory.
            var body = new StreamContent(new NonClosingStream(content));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Put, target) { Content = body };
        }, idempotent: seekable, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await ReadAsync(response, MlflowJson.EmptyResponse, cancellationToken);
    }

    /// <summary>Uploads a local file to <c>{root}/{directory}/{file name}</c>.</summary>
    public async Task UploadFileAsync(string rootUri, string localFile, string? artifactDirectory = null, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(localFile);
        await UploadArtifactAsync(rootUri, Join(artifactDirectory, Path.GetFileName(localFile)), file, cancellationToken);
    }

    /// <summary>Uploads every file under a local directory, keeping its layout, four files at a time.</summary>
    public async Task UploadDirectoryAsync(string rootUri, string localDirectory, string? artifactDirectory = null, CancellationToken cancellationToken = default)
    {
        var files = Directory.EnumerateFiles(localDirectory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint });
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (file, token) =>
        {
            var relative = Path.GetRelativePath(localDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            await using var stream = File.OpenRead(file);
            await UploadArtifactAsync(rootUri, Join(artifactDirectory, relative), stream, token);
        });
    }

    /// <summary>One directory level under <c>{root}/{path}</c>; entry paths are relative to the root.</summary>
    public async Task<List<FileInfoDto>> ListArtifactsAsync(string rootUri, string? path = null, CancellationToken cancellationToken = default)
    {
        var relative = Join(StoragePath(rootUri), path);
        var listing = await GetAsync(ArtifactProxy + Query(("path", relative)), MlflowJson.ArtifactFilesResponse, cancellationToken);
        return (listing.Files ?? []).Select(f => f with { Path = Join(path, f.Path) }).ToList();
    }

    /// <summary>Opens one artifact for reading; the caller disposes the stream.</summary>
    public async Task<Stream> OpenArtifactAsync(string rootUri, string path, CancellationToken cancellationToken = default)
    {
        var target = ProxyPath(rootUri, path);
        var response = await SendWithRetryAsync(() => new HttpRequestMessage(HttpMethod.Get, target), idempotent: true,
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw Error(response, await response.Content.ReadAsStringAsync(cancellationToken));
            }
        }

        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>Downloads a file or a whole directory tree under <c>{root}/{path}</c> into a local directory; returns the local path.</summary>
    public async Task<string> DownloadArtifactsAsync(string rootUri, string? path, string localDirectory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(localDirectory);
        var entries = await ListArtifactsAsync(rootUri, path, cancellationToken);
        if (entries.Count == 0 && !string.IsNullOrEmpty(path))
        {
            // Not a directory (or an empty one): try it as a file.
            var file = Path.Combine(localDirectory, Path.GetFileName(path));
            await DownloadFileAsync(rootUri, path, file, cancellationToken);
            return file;
        }

        var prefix = path ?? "";
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (entry, token) =>
        {
            var local = Path.Combine(localDirectory, LocalRelative(prefix, entry.Path));
            if (entry.IsDir)
            {
                await DownloadArtifactsAsync(rootUri, entry.Path, local, token);
            }
            else
            {
                await DownloadFileAsync(rootUri, entry.Path, local, token);
            }
        });
        return localDirectory;
    }

    private async Task DownloadFileAsync(string rootUri, string path, string localFile, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localFile))!);
        var partial = localFile + ".part";
        await using (var source = await OpenArtifactAsync(rootUri, path, cancellationToken))
        await using (var target = File.Create(partial))
        {
            await source.CopyToAsync(target, cancellationToken);
        }

        File.Move(partial, localFile, overwrite: true);
    }

    private static string LocalRelative(string prefix, string entryPath)
    {
        var relative = prefix.Length == 0 ? entryPath : entryPath[(prefix.TrimEnd('/').Length + 1)..];
        if (relative.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new InvalidOperationException($"The server listed an unsafe artifact path '{entryPath}'.");
        }

        return relative.Replace('/', Path.DirectorySeparatorChar);
    }

    private static string ProxyPath(string rootUri, string path) =>
        ArtifactProxy + "/" + string.Join('/', Join(StoragePath(rootUri), path).Split('/').Select(Uri.EscapeDataString));

    /// <summary>The storage path of an <c>mlflow-artifacts:/…</c> location (with or without a host part).</summary>
    private static string StoragePath(string rootUri)
    {
        if (!rootUri.StartsWith(ArtifactScheme, StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Artifact location '{rootUri}' is not served by the tracking server; only {ArtifactScheme}/… locations are.");
        }

        var rest = rootUri[ArtifactScheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            // mlflow-artifacts://host:port/path: the host is the tracking server itself.
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? "" : rest[slash..];
        }

        return rest.Trim('/');
    }

    private static string Join(string? left, string? right)
    {
        var a = (left ?? "").Trim('/');
        var b = (right ?? "").Trim('/');
        return a.Length == 0 ? b : b.Length == 0 ? a : a + "/" + b;
    }

    /// <summary>Lets a retried upload reuse the caller's stream: the request must not close it.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A download stream that releases its response when disposed.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.Content.Headers.ContentLength ?? throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
