namespace Cairn.Server.Tests.Artifacts;

/// <summary>A wrong artifacts destination stops `cairn server` at start with a message naming the setting.</summary>
public sealed class ArtifactDestinationCliTests
{
    [Theory]
    [InlineData("gs://bucket/x", "Unsupported artifacts destination")]
    [InlineData("s3://Bad_Bucket/x", "needs a bucket name")]
    [InlineData("s3://bucket/../x", "invalid prefix")]
    public async Task Server_WithABadDestination_ExitsWithAClearMessage(string destination, string message)
    {
        var directory = Path.Combine(Path.GetTempPath(), "cairn-cli", Guid.NewGuid().ToString("N"));
        var (code, output) = await CliTests.RunAsync("server", "--port", "0",
            "--backend-store-uri", $"sqlite:///{directory}/cairn.db", "--artifacts-destination", destination);

        Assert.Equal(2, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}
