using Cairn.Core;
using Cairn.Core.Registry;

namespace Cairn.Core.Tests;

public sealed class ModelUriTests
{
    [Fact]
    public void EveryFormParsesToItsKind()
    {
        Assert.Equal(new ModelVersionUri("credit", 3), ModelUri.Parse("models:/credit/3"));
        Assert.Equal(new ModelAliasUri("credit", "champion"), ModelUri.Parse("models:/credit@champion"));
        Assert.Equal(new ModelStageUri("credit", "Production"), ModelUri.Parse("models:/credit/production"));
        Assert.Equal(new ModelLatestUri("credit"), ModelUri.Parse("models:/credit/latest"));
        Assert.Equal(new ModelVersionUri("team/credit", 2), ModelUri.Parse("models:/team/credit/2"));
        Assert.Equal(new LoggedModelUri("m-0123abcd"), ModelUri.Parse("models:/m-0123abcd"));
        Assert.Equal(new RunArtifactUri("abc", "model/data"), ModelUri.Parse("runs:/abc/model/data"));
        Assert.Equal(new ManagedArtifactUri("1/abc/artifacts/model"), ModelUri.Parse("mlflow-artifacts:/1/abc/artifacts/model"));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("/models/x")]
    [InlineData("https://example.com/m")]
    [InlineData("models:/credit")]
    [InlineData("models:/credit/Shipped")]
    [InlineData("models:/credit@latest")]
    [InlineData("runs:/")]
    [InlineData("runs:/abc/../../x")]
    [InlineData("mlflow-artifacts://other-host/x")]
    [InlineData("mlflow-artifacts:/a/%2e%2e/b")]
    public void UnmanagedOrMalformedUris_AreRefused(string uri)
    {
        var error = Assert.Throws<CairnException>(() => ModelUri.Parse(uri));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }
}
