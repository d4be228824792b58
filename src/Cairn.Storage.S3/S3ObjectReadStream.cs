using Amazon.S3.Model;
using Amazon.S3;

namespace Cairn.Storage.S3;

/// <summary>
/// A read-only, seekable view of one object. It starts on the response of a full GET; a seek elsewhere closes it and
/// the next read issues a ranged GET from the new position, pinned to the same ETag so a concurrent overwrite is
/// never mixed into what is read. This is what lets HTTP range requests fetch only the bytes they ask for.
/// </summary>
internal sealed class S3ObjectReadStream : Stream
{
    private readonly IAmazonS3 _client;
    private readonly S3Location _location;
    private readonly string _key;
    private readonly string _etag;
    private GetObjectResponse? _response;
    private long _position;

    public S3ObjectReadStream(IAmazonS3 client, S3Location location, string key, GetObjectResponse response)
    {
        _client = client;
        _location = location;
        _key = key;
        _response = response;
        _etag = response.ETag;
        Length = response.ContentLength;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= Length || buffer.Length == 0)
        {
            return 0;
        }

        _response ??= await S3Failures.CallAsync(_location, () => _client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = _location.Bucket,
            Key = _key,
            ByteRange = new ByteRange(_position, Length - 1),
            EtagToMatch = _etag,
        }, cancellationToken), cancellationToken);

        int read;
        try
        {
            read = await _response.ResponseStream.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception exception) when (S3Failures.IsServiceFailure(exception, cancellationToken))
        {
            throw S3Failures.Unavailable(_location, exception);
        }

        if (read == 0)
        {
            throw S3Failures.Unavailable(_location, new IOException($"the object '{_key}' ended early at byte {_position} of {Length}"));
        }

        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Artifact streams are read asynchronously.");

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            CloseResponse();
            _position = target;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseResponse();
        }

        base.Dispose(disposing);
    }

    private void CloseResponse()
    {
        _response?.Dispose();
        _response = null;
    }
}
