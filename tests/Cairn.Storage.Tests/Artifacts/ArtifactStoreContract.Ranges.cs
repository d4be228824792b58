using Cairn.Core.Artifacts;

namespace Cairn.Storage.Tests.Artifacts;

/// <summary>Ranged reads (previews of huge files read only what they show), for every store.</summary>
public abstract partial class ArtifactStoreContract
{
    private const int PatternLength = 300_000;

    private async Task<ArtifactPath> WritePatternAsync()
    {
        var path = P("big/data.bin");
        await Store.WriteAsync(path, new PatternStream(PatternLength), Token);
        return path;
    }

    private static async Task<byte[]> ReadAllAsync(ArtifactSlice slice)
    {
        await using (slice)
        {
            using var copy = new MemoryStream();
            await slice.Content.CopyToAsync(copy, Token);
            return copy.ToArray();
        }
    }

    private static byte[] Expected(long offset, int length) =>
        Enumerable.Range(0, length).Select(i => PatternStream.At(offset + i)).ToArray();

    [Fact]
    public async Task ReadRange_Head_ReturnsTheFirstBytesAndTheTotalLength()
    {
        var path = await WritePatternAsync();

        var slice = await Store.ReadRangeAsync(path, ArtifactRange.Head(65_536), Token);

        Assert.NotNull(slice);
        Assert.True(slice.Satisfied);
        Assert.Equal((0L, 65_536L, (long)PatternLength), (slice.Offset, slice.Length, slice.TotalLength));
        Assert.Equal(Expected(0, 65_536), await ReadAllAsync(slice));
    }

    [Fact]
    public async Task ReadRange_Tail_ReturnsTheLastBytes()
    {
        var path = await WritePatternAsync();

        var slice = await Store.ReadRangeAsync(path, ArtifactRange.Tail(1_000), Token);

        Assert.NotNull(slice);
        Assert.Equal((PatternLength - 1_000L, 1_000L, (long)PatternLength), (slice.Offset, slice.Length, slice.TotalLength));
        Assert.Equal(Expected(PatternLength - 1_000, 1_000), await ReadAllAsync(slice));
    }

    [Fact]
    public async Task ReadRange_InTheMiddle_ReturnsExactlyThoseBytes()
    {
        var path = await WritePatternAsync();

        var slice = await Store.ReadRangeAsync(path, ArtifactRange.Between(123_457, 123_556), Token);

        Assert.NotNull(slice);
        Assert.Equal((123_457L, 100L), (slice.Offset, slice.Length));
        Assert.Equal(Expected(123_457, 100), await ReadAllAsync(slice));
    }

    [Fact]
    public async Task ReadRange_LongerThanTheFile_IsCutAtItsEnd()
    {
        await WriteTextAsync("small.txt", "hello");

        var head = await Store.ReadRangeAsync(P("small.txt"), ArtifactRange.Head(65_536), Token);
        var tail = await Store.ReadRangeAsync(P("small.txt"), ArtifactRange.Tail(65_536), Token);

        Assert.Equal("hello"u8.ToArray(), await ReadAllAsync(head!));
        Assert.Equal("hello"u8.ToArray(), await ReadAllAsync(tail!));
        Assert.Equal((0L, 5L), (tail!.Offset, tail.TotalLength));
    }

    [Fact]
    public async Task ReadRange_StartingPastTheEnd_IsUnsatisfiedAndNamesTheLength()
    {
        await WriteTextAsync("small.txt", "hello");

        var slice = await Store.ReadRangeAsync(P("small.txt"), ArtifactRange.Between(5, null), Token);

        Assert.NotNull(slice);
        Assert.False(slice.Satisfied);
        Assert.Equal(5, slice.TotalLength);
        Assert.Empty(await ReadAllAsync(slice));
    }

    [Fact]
    public async Task ReadRange_OfAMissingFileOrADirectory_IsNull()
    {
        await WriteTextAsync("dir/inner.txt", "x");

        Assert.Null(await Store.ReadRangeAsync(P("nothing/here.txt"), ArtifactRange.Head(10), Token));
        Assert.Null(await Store.ReadRangeAsync(P("nothing/here.txt"), ArtifactRange.Tail(10), Token));
        Assert.Null(await Store.ReadRangeAsync(ArtifactPath.Root, ArtifactRange.Head(10), Token));
    }
}
