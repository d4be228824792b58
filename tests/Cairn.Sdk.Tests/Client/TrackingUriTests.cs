using Cairn.Client;

namespace Cairn.Sdk.Tests.Client;

public sealed class TrackingUriTests
{
    [Fact]
    public void Resolve_PrefersArgumentThenCairnThenMlflowVariable()
    {
        var env = new Dictionary<string, string> { ["CAIRN_TRACKING_URI"] = "http://cairn:1", ["MLFLOW_TRACKING_URI"] = "http://mlflow:2" };
        Assert.Equal("http://arg:3/", TrackingUri.Resolve("http://arg:3", env.GetValueOrDefault).ToString());
        Assert.Equal("http://cairn:1/", TrackingUri.Resolve(null, env.GetValueOrDefault).ToString());
        env.Remove("CAIRN_TRACKING_URI");
        Assert.Equal("http://mlflow:2/", TrackingUri.Resolve(null, env.GetValueOrDefault).ToString());
        env.Clear();
        Assert.Equal("http://127.0.0.1:5000/", TrackingUri.Resolve(null, env.GetValueOrDefault).ToString());
    }

    [Theory]
    [InlineData("file:///tmp/mlruns")]
    [InlineData("databricks")]
    [InlineData("not a uri")]
    public void Resolve_RefusesWhatIsNotAnHttpServer(string uri) =>
        Assert.Contains("expected http", Assert.Throws<ArgumentException>(() => TrackingUri.Resolve(uri, _ => null)).Message);
}
