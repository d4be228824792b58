using System.Net;
using Cairn.Core.Artifacts;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Storage.S3;

namespace Cairn.Server.Tests.Maintenance;

/// <summary>`cairn gc` with artifacts in S3, configured through MLflow's environment variables.</summary>
public sealed class GcS3Tests(S3CairnServer server) : IClassFixture<S3CairnServer>
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts/";
    private readonly MlflowHttp _client = server.Client;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> MlflowVariables(string endpoint) => new()
    {
        ["MLFLOW_S3_ENDPOINT_URL"] = endpoint,
        ["AWS_ACCESS_KEY_ID"] = S3TestServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3TestServer.SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
    };

    private string[] Stores => ["--backend-store-uri", $"sqlite:///{server.DatabasePath}", "--artifacts-destination", server.Destination];

    private async Task<bool> ExistsInBucketAsync(string path)
    {
        using var store = new S3ArtifactStore(S3Location.Parse(server.Destination),
            new S3Settings(S3TestServer.Endpoint, S3TestServer.AccessKey, S3TestServer.SecretKey, null, null));
        await using var file = await store.OpenReadAsync(ArtifactPath.Parse(path), Cancel);
        return file is not null;
    }

    private async Task<(string Experiment, string Run)> DeletedRunWithArtifactAsync()
    {
        var experiment = await _client.CreateExperimentAsync();
        var run = await _client.CreateRunAsync(experiment);
        using (var put = await _client.Http.PutAsync($"{Proxy}{experiment}/{run}/artifacts/w.bin", new ByteArrayContent([1, 2]), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await _client.OkAsync("runs/delete", new { run_id = run });
        return (experiment, run);
    }

    [Fact]
    public async Task Gc_RemovesADeletedRunsObjectsFromTheBucket()
    {
        var (experiment, run) = await DeletedRunWithArtifactAsync();
        Assert.True(await ExistsInBucketAsync($"{experiment}/{run}/artifacts/w.bin"));

        var (code, output, errors) = await GcProcess.RunAsync(MlflowVariables(S3TestServer.Endpoint), Stores);

        Assert.True(code == 0, errors);
        Assert.Contains($"Removed run {run}", output, StringComparison.Ordinal);
        Assert.False(await ExistsInBucketAsync($"{experiment}/{run}/artifacts/w.bin"));
        (await _client.GetAsync($"runs/get?run_id={run}")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Gc_WhenTheBucketIsDown_FailsClearlyAndKeepsTheRunForNextTime()
    {
        var (experiment, run) = await DeletedRunWithArtifactAsync();

        var (code, _, errors) = await GcProcess.RunAsync(MlflowVariables($"http://127.0.0.1:{S3TestServer.ClosedPort()}"), Stores);

        Assert.Equal(1, code);
        Assert.Contains("is unavailable", errors, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"runs/get?run_id={run}")).Status);
        Assert.True(await ExistsInBucketAsync($"{experiment}/{run}/artifacts/w.bin"));
    }
}
