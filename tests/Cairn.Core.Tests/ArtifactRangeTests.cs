using Cairn.Core.Artifacts;

namespace Cairn.Core.Tests;

public sealed class ArtifactRangeTests
{
    [Theory]
    [InlineData(0L, 99L, 1000L, 0L, 100L)]
    [InlineData(900L, 5000L, 1000L, 900L, 100L)]
    [InlineData(999L, null, 1000L, 999L, 1L)]
    public void Resolve_FromStart_ClampsToTheFile(long start, long? end, long total, long offset, long length) =>
        Assert.Equal((offset, length), ArtifactRange.Between(start, end).Resolve(total));

    [Fact]
    public void Resolve_Suffix_TakesTheLastBytesOrTheWholeFile()
    {
        Assert.Equal((900L, 100L), ArtifactRange.Tail(100).Resolve(1000));
        Assert.Equal((0L, 10L), ArtifactRange.Tail(100).Resolve(10));
    }

    [Fact]
    public void Resolve_PastTheEndOrOfAnEmptyFile_IsUnsatisfiable()
    {
        Assert.Null(ArtifactRange.Between(1000, null).Resolve(1000));
        Assert.Null(ArtifactRange.Head(10).Resolve(0));
        Assert.Null(ArtifactRange.Tail(10).Resolve(0));
    }

    [Fact]
    public void HeaderValue_UsesHttpSyntax()
    {
        Assert.Equal("bytes=0-65535", ArtifactRange.Head(65_536).ToHeaderValue());
        Assert.Equal("bytes=-500", ArtifactRange.Tail(500).ToHeaderValue());
        Assert.Equal("bytes=7-", ArtifactRange.Between(7, null).ToHeaderValue());
    }

    [Fact]
    public void Between_EndBeforeStart_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ArtifactRange.Between(10, 9));
}
