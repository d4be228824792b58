using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Storage.S3;

namespace Cairn.Storage.Tests.Artifacts;

public sealed class S3ArtifactStoreTests : ArtifactStoreContract, IDisposable
{
    private readonly S3ArtifactStore _store = new(S3TestServer.NewLocation(), S3TestServer.Settings);

    protected override IArtifactStore Store => _store;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Write_WithAnEmptyPrefix_UsesKeysFromTheBucketRoot()
    {
        using var store = new S3ArtifactStore(S3Location.Parse($"s3://{S3TestServer.Bucket}"), S3TestServer.Settings);
        var path = ArtifactPath.Parse($"root-{Guid.NewGuid():N}/a.txt");
        await store.WriteAsync(path, new MemoryStream([1, 2, 3]), TestContext.Current.CancellationToken);

        var file = await _store.OpenReadAsync(path, TestContext.Current.CancellationToken);
        Assert.Null(file);
        await using var read = await store.OpenReadAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(3, read!.Length);
        await store.DeleteAsync(ArtifactPath.Parse(path.Value.Split('/')[0]), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task EveryOperation_AgainstAClosedPort_FailsFastAsTemporarilyUnavailable()
    {
        using var store = new S3ArtifactStore(S3Location.Parse("s3://cairn-down/prefix"),
            S3TestServer.Settings with { EndpointUrl = $"http://127.0.0.1:{ClosedPort()}" });
        var path = ArtifactPath.Parse("a/b.txt");
        var token = TestContext.Current.CancellationToken;
        var watch = Stopwatch.StartNew();

        foreach (var operation in new Func<Task>[]
        {
            () => store.WriteAsync(path, new MemoryStream([1]), token),
            () => store.OpenReadAsync(path, token),
            () => store.ListAsync(ArtifactPath.Root, token),
            () => store.CopyAsync(path, ArtifactPath.Parse("c"), token),
            () => store.DeleteAsync(path, token),
        })
        {
            var error = await Assert.ThrowsAsync<CairnException>(operation);
            Assert.Equal(ErrorCode.TemporarilyUnavailable, error.Code);
            Assert.Contains("s3://cairn-down/prefix is unavailable", error.Message, StringComparison.Ordinal);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Write_ToAMissingBucket_IsTemporarilyUnavailableNamingTheCause()
    {
        using var store = new S3ArtifactStore(S3Location.Parse("s3://no-such-bucket-cairn/x"), S3TestServer.Settings);

        var error = await Assert.ThrowsAsync<CairnException>(
            () => store.WriteAsync(ArtifactPath.Parse("a.txt"), new MemoryStream([1]), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCode.TemporarilyUnavailable, error.Code);
        Assert.Contains("NoSuchBucket", error.Message, StringComparison.Ordinal);
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
