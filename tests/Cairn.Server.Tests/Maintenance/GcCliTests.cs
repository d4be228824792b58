using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Maintenance;

/// <summary>`cairn gc` against a real server's metadata store (SQLite here, PostgreSQL in a subclass) and local artifact folder.</summary>
public class GcCliTests(CairnServer server) : IClassFixture<CairnServer>
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts/";
    private readonly MlflowHttp _client = server.Client;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string[] Stores => ["--backend-store-uri", server.BackendStoreUri, "--artifacts-destination", server.ArtifactRoot];

    private async Task PutAsync(string path, string text)
    {
        using var response = await _client.Http.PutAsync(Proxy + path, new StringContent(text), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> DownloadUriAsync(string name, int version) =>
        (await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version={version}")).Json["artifact_uri"]!.GetValue<string>()["mlflow-artifacts:/".Length..];

    private string OnDisk(string path) => Path.Combine(server.ArtifactRoot, path);

    [Fact]
    public async Task Gc_RemovesDeletedRunsExperimentsAndUnusedModelFiles_AfterTheRetention()
    {
        var kept = await _client.CreateExperimentAsync();
        var liveRun = await _client.CreateRunAsync(kept);
        var deletedRun = await _client.CreateRunAsync(kept);
        await PutAsync($"{kept}/{liveRun}/artifacts/model/MLmodel", "flavors: {}");
        await PutAsync($"{kept}/{deletedRun}/artifacts/b.txt", "b");
        await _client.OkAsync("runs/delete", new { run_id = deletedRun });

        var dropped = await _client.CreateExperimentAsync();
        var droppedRun = await _client.CreateRunAsync(dropped);
        await PutAsync($"{dropped}/{droppedRun}/artifacts/c.txt", "c");
        await _client.OkAsync("experiments/delete", new { experiment_id = dropped });

        var model = "gc-model-" + Guid.NewGuid().ToString("N");
        await _client.OkAsync("registered-models/create", new { name = model });
        await _client.OkAsync("model-versions/create", new { name = model, source = $"runs:/{liveRun}/model" });
        await _client.OkAsync("model-versions/create", new { name = model, source = $"runs:/{liveRun}/model" });
        var usedFolder = await DownloadUriAsync(model, 1);
        var unusedFolder = await DownloadUriAsync(model, 2);
        using (var delete = await _client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, MlflowHttp.Api + "model-versions/delete")
        {
            Content = new StringContent($$"""{"name":"{{model}}","version":"2"}""", System.Text.Encoding.UTF8, "application/json"),
        }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        // The unused version's files were written an hour ago; a fresh unused folder may be a version being created.
        foreach (var file in Directory.EnumerateFiles(OnDisk(unusedFolder), "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-1));
        }

        await PutAsync("models/in-flight/MLmodel", "being copied");

        var (keepCode, keepOut, keepErr) = await GcProcess.RunAsync(null, ["--older-than", "1d", .. Stores]);
        Assert.True(keepCode == 0, keepErr);
        Assert.Equal("", keepOut);
        Assert.Contains("Removed 0 run(s), 0 experiment(s), 0 unused model folder(s)", keepErr, StringComparison.Ordinal);

        var (dryCode, dryOut, dryErr) = await GcProcess.RunAsync(null, ["--older-than", "0s", "--dry-run", .. Stores]);
        Assert.True(dryCode == 0, dryErr);
        Assert.Contains($"Would remove run {deletedRun}", dryOut, StringComparison.Ordinal);
        Assert.Contains($"Would remove experiment {dropped}", dryOut, StringComparison.Ordinal);
        Assert.Contains($"Would remove model files {unusedFolder}", dryOut, StringComparison.Ordinal);
        Assert.DoesNotContain("in-flight", dryOut, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", dryErr, StringComparison.Ordinal);
        Assert.True(File.Exists(OnDisk($"{kept}/{deletedRun}/artifacts/b.txt")));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"runs/get?run_id={deletedRun}")).Status);

        var (code, output, errors) = await GcProcess.RunAsync(null, Stores);
        Assert.True(code == 0, errors);
        Assert.Contains($"Removed run {deletedRun}", output, StringComparison.Ordinal);
        Assert.Contains($"Removed run {droppedRun}", output, StringComparison.Ordinal);
        Assert.Contains($"Removed experiment {dropped}", output, StringComparison.Ordinal);

        (await _client.GetAsync($"runs/get?run_id={deletedRun}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.GetAsync($"runs/get?run_id={droppedRun}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        (await _client.GetAsync($"experiments/get?experiment_id={dropped}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.False(Directory.Exists(OnDisk($"{kept}/{deletedRun}")));
        Assert.False(Directory.Exists(OnDisk(dropped)));
        Assert.False(Directory.Exists(OnDisk(unusedFolder)));

        Assert.True(File.Exists(OnDisk($"{kept}/{liveRun}/artifacts/model/MLmodel")));
        Assert.True(File.Exists(OnDisk($"{usedFolder}/MLmodel")));
        Assert.True(File.Exists(OnDisk("models/in-flight/MLmodel")));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"runs/get?run_id={liveRun}")).Status);
        using var versionFile = await _client.Http.GetAsync($"/model-versions/get-artifact?name={model}&version=1&path=MLmodel", Cancel);
        Assert.Equal(HttpStatusCode.OK, versionFile.StatusCode);
    }

    [Theory]
    [InlineData("30x")]
    [InlineData("d")]
    [InlineData("-1d")]
    [InlineData("")]
    public async Task Gc_WithABadRetention_ExitsWithAClearMessage(string olderThan)
    {
        var (code, _, errors) = await GcProcess.RunAsync(null, ["--older-than", olderThan, .. Stores]);

        Assert.Equal(2, code);
        Assert.Contains("Invalid --older-than", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_WithoutADatabase_SaysWhereItLooked()
    {
        var missing = Path.Combine(Path.GetTempPath(), "cairn-gc", Guid.NewGuid().ToString("N"), "cairn.db");

        var (code, _, errors) = await GcProcess.RunAsync(null, "--backend-store-uri", $"sqlite:///{missing}");

        Assert.Equal(2, code);
        Assert.Contains($"No database at {missing}", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }
}
