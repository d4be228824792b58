using System.Security.Cryptography;

namespace Cairn.Storage.Tests.Artifacts;

/// <summary>
/// A forward-only body of deterministic bytes, like a request body: not seekable, length unknown to the reader.
/// It can fail after a number of bytes, like a client that disconnects mid-upload.
/// </summary>
public sealed class PatternStream(long length, long failAfter = -1) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public static byte At(long index) => (byte)((index * 31) ^ (index >> 11));

    public static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => At(i)).ToArray();

    /// <summary>SHA-256 of the first <paramref name="length"/> pattern bytes, computed without holding them.</summary>
    public static byte[] Hash(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        for (long done = 0; done < length;)
        {
            var count = (int)Math.Min(buffer.Length, length - done);
            for (var i = 0; i < count; i++)
            {
                buffer[i] = At(done + i);
            }

            hash.AppendData(buffer, 0, count);
            done += count;
        }

        return hash.GetHashAndReset();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter)
        {
            throw new IOException("The client went away.");
        }

        var limit = failAfter >= 0 ? Math.Min(length, failAfter) : length;
        var count = (int)Math.Min(buffer.Length, limit - _position);
        for (var i = 0; i < count; i++)
        {
            buffer[i] = At(_position + i);
        }

        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
