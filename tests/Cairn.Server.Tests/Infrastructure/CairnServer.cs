using Cairn.Server;
using Microsoft.AspNetCore.Builder;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>The real server on a free loopback port, with its own SQLite file and artifact folder.</summary>
public class CairnServer : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "cairn-tests", Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public MlflowHttp Client { get; private set; } = null!;

    public string ArtifactRoot => Path.Combine(DataDirectory, "artifacts");

    public string DatabasePath => Path.Combine(DataDirectory, "cairn.db");

    /// <summary>The metadata store the server runs on, as <c>--backend-store-uri</c> takes it.</summary>
    public string BackendStoreUri { get; private set; } = null!;

    /// <summary>Settings a fixture adds on top of the defaults (for example, registry governance).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>The metadata store the server is started on: a fresh SQLite file unless a fixture provides another.</summary>
    protected virtual Task<string> CreateBackendStoreAsync() => Task.FromResult($"sqlite:///{DatabasePath}");

    /// <summary>Removes what <see cref="CreateBackendStoreAsync"/> created beyond the data folder.</summary>
    protected virtual Task DropBackendStoreAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var backendStore = BackendStoreUri = await CreateBackendStoreAsync();
        _app = CairnApp.Create(
        [
            "--Server:Port=0",
            $"--Storage:BackendStoreUri={backendStore}",
            $"--Artifacts:Destination={ArtifactRoot}",
            "--Logging:LogLevel:Default=Warning",
            .. ExtraArguments,
        ]);
        BaseAddress = await _app.StartCairnAsync();
        Client = new MlflowHttp(new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) });
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await DropBackendStoreAsync();

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
