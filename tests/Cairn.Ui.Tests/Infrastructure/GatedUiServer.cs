using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Ui.Tests.Infrastructure;

/// <summary>The real server started with <c>--require-approval</c> (protected alias <c>champion</c>) and a real browser.</summary>
public sealed class GatedUiServer : IAsyncLifetime
{
    public CairnServer Server { get; } = new GatedServer();

    public Browser Browser { get; } = new();

    public MlflowHttp Client => Server.Client;

    public string Url(string path) => new Uri(Server.BaseAddress, path).ToString();

    public async ValueTask InitializeAsync()
    {
        await Server.InitializeAsync();
        await Browser.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }

    private sealed class GatedServer : CairnServer
    {
        protected override IEnumerable<string> ExtraArguments => ["--Registry:RequireApproval=true"];
    }
}
