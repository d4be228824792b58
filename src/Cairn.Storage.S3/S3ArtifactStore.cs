using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Core;
using Cairn.Core.Artifacts;

namespace Cairn.Storage.S3;

/// <summary>
/// Artifacts as objects in an S3-compatible bucket under a key prefix. Directories are key prefixes ending in '/'.
/// Objects appear whole or not at all (a single PUT, or a multipart upload completed only after its last part),
/// so readers never see a partial file. Bodies stream in bounded parts and are never held in memory whole.
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    /// <summary>Above this size S3 refuses a single server-side copy; such objects are copied by streaming.</summary>
    private const long MaxSingleCopyBytes = 5L * 1024 * 1024 * 1024;
    private const int MaxKeysPerDelete = 1000;

    private readonly IAmazonS3 _client;
    private readonly S3Location _location;
    private readonly S3MultipartWriter _writer;

    public S3ArtifactStore(S3Location location, S3Settings settings)
    {
        _location = location;
        _client = S3ClientFactory.Create(settings);
        _writer = new S3MultipartWriter(_client, location, settings.PartSizeBytes);
    }

    public S3Location Location => _location;

    public async Task WriteAsync(ArtifactPath path, Stream content, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw CairnException.InvalidParameter("An artifact upload needs a file path.");
        }

        // Same rule as on disk: a file may not shadow a directory of the same name.
        if (await HasAnyObjectUnderAsync(_location.DirectoryPrefix(path), cancellationToken))
        {
            throw CairnException.InvalidParameter($"Cannot write artifact '{path}': a directory of that name exists.");
        }

        await _writer.WriteAsync(_location.Key(path), content, cancellationToken);
    }

    public async Task<ArtifactFile?> OpenReadAsync(ArtifactPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            return null;
        }

        var key = _location.Key(path);
        var response = await S3Failures.CallAsync(_location, async () =>
        {
            try
            {
                return await _client.GetObjectAsync(new GetObjectRequest { BucketName = _location.Bucket, Key = key }, cancellationToken);
            }
            catch (AmazonS3Exception exception) when (S3Failures.IsNotFound(exception))
            {
                return null;
            }
        }, cancellationToken);
        if (response is null)
        {
            return null;
        }

        var stream = new S3ObjectReadStream(_client, _location, key, response);
        return new ArtifactFile(stream, stream.Length, response.LastModified ?? DateTimeOffset.UnixEpoch);
    }

    public async Task<ArtifactSlice?> ReadRangeAsync(ArtifactPath path, ArtifactRange range, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            return null;
        }

        var key = _location.Key(path);
        var request = new GetObjectRequest { BucketName = _location.Bucket, Key = key };
        if (range.SuffixLength is not null)
        {
            // A tail needs the size first: not every S3-compatible server understands suffix ranges ("bytes=-N").
            var metadata = await MetadataAsync(key, cancellationToken);
            if (metadata is null)
            {
                return null;
            }

            if (range.Resolve(metadata.ContentLength) is not { } span)
            {
                return ArtifactSlice.Unsatisfied(metadata.ContentLength, metadata.LastModified ?? DateTimeOffset.UnixEpoch);
            }

            request.ByteRange = new ByteRange(span.Offset, span.Offset + span.Length - 1);
            request.EtagToMatch = metadata.ETag;
        }
        else
        {
            request.ByteRange = new ByteRange(range.ToHeaderValue());
        }

        var response = await S3Failures.CallAsync(_location, async () =>
        {
            try
            {
                return await _client.GetObjectAsync(request, cancellationToken);
            }
            catch (AmazonS3Exception exception) when (S3Failures.IsNotFound(exception) || exception.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return null;
            }
        }, cancellationToken);
        if (response is null)
        {
            // Either no such object or a range past its end; the object's size tells which.
            var metadata = await MetadataAsync(key, cancellationToken);
            return metadata is null ? null : ArtifactSlice.Unsatisfied(metadata.ContentLength, metadata.LastModified ?? DateTimeOffset.UnixEpoch);
        }

        var (offset, total) = ParseContentRange(response.ContentRange, response.ContentLength);
        return new ArtifactSlice(new S3ResponseStream(response), offset, response.ContentLength, total, response.LastModified ?? DateTimeOffset.UnixEpoch);
    }

    /// <summary>"bytes 0-99/1000" → (0, 1000); a server that ignored the range answered the whole object.</summary>
    private static (long Offset, long Total) ParseContentRange(string? contentRange, long length)
    {
        if (contentRange is { Length: > 0 } && contentRange.StartsWith("bytes ", StringComparison.Ordinal))
        {
            var slash = contentRange.IndexOf('/', StringComparison.Ordinal);
            var dash = contentRange.IndexOf('-', StringComparison.Ordinal);
            if (slash > 0 && dash > 6
                && long.TryParse(contentRange.AsSpan(6, dash - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
            {
                return (offset, total);
            }
        }

        return (0, length);
    }

    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(ArtifactPath directory, CancellationToken cancellationToken)
    {
        var prefix = _location.DirectoryPrefix(directory);
        var entries = new List<ArtifactEntry>();
        string? continuation = null;
        do
        {
            var page = await S3Failures.CallAsync(_location, () => _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _location.Bucket,
                Prefix = prefix,
                Delimiter = "/",
                ContinuationToken = continuation,
            }, cancellationToken), cancellationToken);
            foreach (var common in page.CommonPrefixes ?? [])
            {
                entries.Add(new ArtifactEntry(common[prefix.Length..].TrimEnd('/'), true, null));
            }

            foreach (var item in page.S3Objects ?? [])
            {
                // A zero-length key equal to the prefix is a folder marker some tools create, not a file.
                if (item.Key.Length > prefix.Length)
                {
                    entries.Add(new ArtifactEntry(item.Key[prefix.Length..], false, item.Size ?? 0, item.LastModified));
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    public async Task CopyAsync(ArtifactPath source, ArtifactPath destination, CancellationToken cancellationToken)
    {
        if (!source.IsRoot)
        {
            var size = await ObjectSizeAsync(_location.Key(source), cancellationToken);
            if (size is not null)
            {
                await CopyObjectAsync(_location.Key(source), _location.Key(destination), size.Value, cancellationToken);
                return;
            }
        }

        var sourcePrefix = _location.DirectoryPrefix(source);
        var destinationPrefix = _location.DirectoryPrefix(destination);
        await foreach (var item in ListTreeAsync(sourcePrefix, cancellationToken))
        {
            // Keys written by other tools may not be valid artifact paths; never let one steer a copy elsewhere.
            if (IsValidRelative(item.Key[sourcePrefix.Length..]))
            {
                await CopyObjectAsync(item.Key, destinationPrefix + item.Key[sourcePrefix.Length..], item.Size ?? 0, cancellationToken);
            }
        }
    }

    public async Task DeleteAsync(ArtifactPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw CairnException.InvalidParameter("Refusing to delete the artifact root.");
        }

        // Deleting a missing key succeeds in S3, like deleting a missing path locally.
        await S3Failures.CallAsync(_location,
            () => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _location.Bucket, Key = _location.Key(path) }, cancellationToken),
            cancellationToken);

        var batch = new List<KeyVersion>();
        await foreach (var item in ListTreeAsync(_location.DirectoryPrefix(path), cancellationToken))
        {
            batch.Add(new KeyVersion { Key = item.Key });
            if (batch.Count == MaxKeysPerDelete)
            {
                await DeleteBatchAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await DeleteBatchAsync(batch, cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task DeleteBatchAsync(List<KeyVersion> keys, CancellationToken cancellationToken)
    {
        var response = await S3Failures.CallAsync(_location, () => _client.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = _location.Bucket,
            Objects = [.. keys],
            Quiet = true,
        }, cancellationToken), cancellationToken);
        if (response.DeleteErrors is { Count: > 0 } errors)
        {
            var first = errors[0];
            throw new CairnException(ErrorCode.TemporarilyUnavailable,
                $"Artifact storage {_location} could not delete {errors.Count} object(s), e.g. '{first.Key}': {first.Code} {first.Message}");
        }
    }

    private async Task CopyObjectAsync(string from, string to, long size, CancellationToken cancellationToken)
    {
        if (size > MaxSingleCopyBytes)
        {
            // Rare: stream through this process in parts rather than orchestrating a multipart copy.
            var response = await S3Failures.CallAsync(_location,
                () => _client.GetObjectAsync(new GetObjectRequest { BucketName = _location.Bucket, Key = from }, cancellationToken), cancellationToken);
            await using var stream = new S3ObjectReadStream(_client, _location, from, response);
            await _writer.WriteAsync(to, stream, cancellationToken);
            return;
        }

        await S3Failures.CallAsync(_location, () => _client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = _location.Bucket,
            SourceKey = from,
            DestinationBucket = _location.Bucket,
            DestinationKey = to,
        }, cancellationToken), cancellationToken);
    }

    private async Task<long?> ObjectSizeAsync(string key, CancellationToken cancellationToken) =>
        (await MetadataAsync(key, cancellationToken))?.ContentLength;

    private async Task<GetObjectMetadataResponse?> MetadataAsync(string key, CancellationToken cancellationToken) =>
        await S3Failures.CallAsync(_location, async () =>
        {
            try
            {
                return await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _location.Bucket, Key = key }, cancellationToken);
            }
            catch (AmazonS3Exception exception) when (S3Failures.IsNotFound(exception))
            {
                return null;
            }
        }, cancellationToken);

    private async Task<bool> HasAnyObjectUnderAsync(string prefix, CancellationToken cancellationToken)
    {
        var page = await S3Failures.CallAsync(_location, () => _client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = _location.Bucket,
            Prefix = prefix,
            MaxKeys = 1,
        }, cancellationToken), cancellationToken);
        return page.S3Objects is { Count: > 0 };
    }

    /// <summary>Every object below a prefix, at any depth.</summary>
    private async IAsyncEnumerable<S3Object> ListTreeAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var page = await S3Failures.CallAsync(_location, () => _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _location.Bucket,
                Prefix = prefix,
                ContinuationToken = continuation,
            }, cancellationToken), cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                if (item.Key.Length > prefix.Length)
                {
                    yield return item;
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    private static bool IsValidRelative(string relative)
    {
        try
        {
            return ArtifactPath.Parse(relative).Value == relative;
        }
        catch (CairnException)
        {
            return false;
        }
    }
}
