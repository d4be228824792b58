using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Core;

namespace Cairn.Storage.S3;

/// <summary>
/// Streams a body of unknown length into one object. A body that fits one part is a single PUT; a longer one is a
/// multipart upload that reads the next part while the previous one is sent, holds at most two parts in memory, and
/// is aborted on any failure so no partial object ever becomes visible.
/// </summary>
internal sealed class S3MultipartWriter(IAmazonS3 client, S3Location location, int partSize)
{
    private const int MaxParts = 10_000;

    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var current = ArrayPool<byte>.Shared.Rent(partSize);
        try
        {
            var length = await FillAsync(content, current, cancellationToken);
            if (length < partSize)
            {
                await PutAsync(key, current, length, cancellationToken);
                return;
            }

            await UploadInPartsAsync(key, content, current, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
        }
    }

    private async Task PutAsync(string key, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(buffer, 0, length, writable: false);
        await S3Failures.CallAsync(location, () => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = location.Bucket,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        }, cancellationToken), cancellationToken);
    }

    private async Task UploadInPartsAsync(string key, Stream content, byte[] first, CancellationToken cancellationToken)
    {
        var upload = await S3Failures.CallAsync(location, () => client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = location.Bucket, Key = key }, cancellationToken), cancellationToken);
        var second = ArrayPool<byte>.Shared.Rent(partSize);
        var next = second;
        Task<PartETag>? sending = null;
        try
        {
            var parts = new List<PartETag>();
            var (current, length, partNumber) = (first, partSize, 1);
            while (true)
            {
                sending = UploadPartAsync(key, upload.UploadId, partNumber, current, length, cancellationToken);
                var nextLength = await FillAsync(content, next, cancellationToken);
                parts.Add(await sending);
                sending = null;
                if (nextLength == 0)
                {
                    break;
                }

                if (++partNumber > MaxParts)
                {
                    throw CairnException.InvalidParameter($"Artifact is too large: at most {MaxParts} parts of {partSize} bytes are supported.");
                }

                (current, next, length) = (next, current, nextLength);
            }

            await S3Failures.CallAsync(location, () => client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = location.Bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellationToken), cancellationToken);
        }
        catch
        {
            // The part in flight still reads its buffer; wait for it before the buffer goes back to the pool.
            await IgnoreFailureAsync(sending);
            await AbortAsync(key, upload.UploadId);
            throw;
        }
        finally
        {
            // The buffers swap roles part by part; the caller returns the first, this returns the second.
            ArrayPool<byte>.Shared.Return(second);
        }
    }

    private async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(buffer, 0, length, writable: false);
        var response = await S3Failures.CallAsync(location, () => client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = location.Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = body,
            PartSize = length,
            UseChunkEncoding = false,
        }, cancellationToken), cancellationToken);
        return new PartETag(partNumber, response.ETag);
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        // Best effort and not cancellable: the caller may be gone, the parts should still be released.
        // Should the abort itself fail, the bucket's lifecycle rule for incomplete uploads cleans up;
        // the object never became visible either way.
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = location.Bucket, Key = key, UploadId = uploadId }, timeout.Token);
        }
        catch (Exception exception) when (S3Failures.IsServiceFailure(exception, CancellationToken.None))
        {
        }
    }

    private static async Task IgnoreFailureAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (Exception exception) when (exception is CairnException or OperationCanceledException)
        {
        }
    }

    /// <summary>Reads until the buffer is full or the body ends; returns the bytes read.</summary>
    private async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < partSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, partSize - filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
