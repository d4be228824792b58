using Cairn.Core.Artifacts;
using Cairn.Storage.S3;

namespace Cairn.Storage.Tests.Artifacts;

public sealed class S3LocationTests
{
    [Theory]
    [InlineData("s3://bucket", "bucket", "")]
    [InlineData("s3://bucket/", "bucket", "")]
    [InlineData("s3://my.bucket-1/a/b/", "my.bucket-1", "a/b")]
    public void Parse_SplitsBucketAndPrefix(string uri, string bucket, string prefix)
    {
        var location = S3Location.Parse(uri);

        Assert.Equal(new S3Location(bucket, prefix), location);
    }

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3://UPPER/x")]
    [InlineData("s3://ab")]
    [InlineData("s3://bucket/../etc")]
    [InlineData("s3://bucket//x")]
    [InlineData("s3://bucket/a/%2e%2e/b")]
    public void Parse_RefusesBadBucketsAndPrefixes(string uri)
    {
        Assert.Throws<ArgumentException>(() => S3Location.Parse(uri));
    }

    [Fact]
    public void Keys_JoinPrefixAndPath()
    {
        var location = S3Location.Parse("s3://bkt/root");

        Assert.Equal("root/1/run/artifacts/x", location.Key(ArtifactPath.Parse("1/run/artifacts/x")));
        Assert.Equal("root/", location.DirectoryPrefix(ArtifactPath.Root));
        Assert.Equal("", S3Location.Parse("s3://bkt").DirectoryPrefix(ArtifactPath.Root));
    }
}
