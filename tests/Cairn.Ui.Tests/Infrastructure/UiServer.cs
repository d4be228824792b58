using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Ui.Tests.Infrastructure;

/// <summary>The real server (SQLite) and a real browser, shared by the tests of one class.</summary>
public class UiServer : IAsyncLifetime
{
    public UiServer()
        : this(new CairnServer())
    {
    }

    protected UiServer(CairnServer server) => Server = server;

    public CairnServer Server { get; }

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
}
