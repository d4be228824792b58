using Cairn.Core;
using Cairn.Core.Artifacts;

namespace Cairn.Core.Tests;

public sealed class ArtifactPathTests
{
    [Theory]
    [InlineData("model/MLmodel", "model/MLmodel")]
    [InlineData("dir/", "dir")]
    [InlineData("a b/c-d_e.txt", "a b/c-d_e.txt")]
    [InlineData("..hidden/x", "..hidden/x")]
    [InlineData("", "")]
    public void SafePaths_AreKept(string input, string expected) => Assert.Equal(expected, ArtifactPath.Parse(input).Value);

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a/..")]
    [InlineData("./a")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a;b")]
    [InlineData("%2e%2e/x")]
    [InlineData("..%2fx")]
    [InlineData("%252e%252e%252fx")]
    [InlineData("%25252e%25252e/x")]
    [InlineData("a%2f%2fb")]
    [InlineData("%2fetc")]
    [InlineData("a%5cb")]
    [InlineData("a%00b")]
    [InlineData("a\nb")]
    public void UnsafePaths_AreRefused(string input)
    {
        var error = Assert.Throws<CairnException>(() => ArtifactPath.Parse(input));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public void Combine_JoinsCheckedSegments()
    {
        var root = ArtifactPath.Parse("1/abc/artifacts");
        Assert.Equal("1/abc/artifacts/model/x", root.Combine(ArtifactPath.Parse("model/x")).Value);
        Assert.Equal("1/abc/artifacts", root.Combine(ArtifactPath.Root).Value);
        Assert.Equal("x", root.Combine("model/x").Name);
    }
}
