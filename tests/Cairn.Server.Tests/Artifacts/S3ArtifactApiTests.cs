using System.Net;
using System.Security.Cryptography;
using Cairn.Core.Artifacts;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Storage.S3;

namespace Cairn.Server.Tests.Artifacts;

/// <summary>The MLflow artifact routes with an <c>s3://</c> destination, against a real S3-protocol server.</summary>
public sealed class S3ArtifactApiTests(S3CairnServer server) : IClassFixture<S3CairnServer>
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts/";
    private readonly MlflowHttp _client = server.Client;
    private HttpClient Http => _client.Http;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(string Run, string Root)> NewRunAsync()
    {
        var experiment = await _client.CreateExperimentAsync();
        var run = await _client.CreateRunAsync(experiment);
        return (run, $"{experiment}/{run}/artifacts");
    }

    /// <summary>Reads the bucket directly, to prove the bytes are in S3 and not on the server's disk.</summary>
    private async Task<long?> ObjectLengthAsync(string path)
    {
        using var store = new S3ArtifactStore(S3Location.Parse(server.Destination),
            new S3Settings(S3TestServer.Endpoint, S3TestServer.AccessKey, S3TestServer.SecretKey, null, null));
        await using var file = await store.OpenReadAsync(ArtifactPath.Parse(path), Cancel);
        return file?.Length;
    }

    [Fact]
    public async Task Upload_Download_List_Delete_GoThroughTheBucket()
    {
        var (runId, root) = await NewRunAsync();
        using (var put = await Http.PutAsync($"{Proxy}{root}/model/MLmodel", new StringContent("flavors: {}\n"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var put = await Http.PutAsync($"{Proxy}{root}/model/data/weights.bin", new ByteArrayContent([1, 2, 3]), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Equal(12, await ObjectLengthAsync($"{root}/model/MLmodel"));
        Assert.False(Directory.Exists(server.ArtifactRoot), "nothing may be written to the local artifact folder");

        using (var get = await Http.GetAsync($"{Proxy}{root}/model/MLmodel", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("flavors: {}\n", await get.Content.ReadAsStringAsync(Cancel));
            Assert.Equal("attachment", get.Content.Headers.ContentDisposition!.DispositionType);
        }

        var proxyList = await _client.OkGetAsync($"artifacts?path={root}/model", "/api/2.0/mlflow-artifacts/");
        Assert.Equal(["MLmodel", "data"], proxyList.Json["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()));

        var runList = await _client.OkGetAsync($"artifacts/list?run_id={runId}&path=model/data");
        Assert.Equal("model/data/weights.bin", runList.Json["files"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(3, runList.Json["files"]![0]!["file_size"]!.GetValue<long>());
        var top = await _client.OkGetAsync($"artifacts/list?run_id={runId}");
        Assert.True(top.Json["files"]![0]!["is_dir"]!.GetValue<bool>());

        using (var deleteTree = await Http.DeleteAsync($"{Proxy}{root}/model", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, deleteTree.StatusCode);
        }

        Assert.Null(await ObjectLengthAsync($"{root}/model/data/weights.bin"));
        Assert.Null((await _client.OkGetAsync($"artifacts/list?run_id={runId}")).Json["files"]);
        (await _client.GetAsync($"artifacts/{root}/model/MLmodel", "/api/2.0/mlflow-artifacts/")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task LargeUpload_StreamsThroughMultipartAndDownloadsIdentical()
    {
        var (_, root) = await NewRunAsync();
        var data = new byte[40 * 1024 * 1024 + 7];
        new Random(11).NextBytes(data);
        using (var put = await Http.PutAsync($"{Proxy}{root}/big.bin", new ByteArrayContent(data), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var get = await Http.GetAsync($"{Proxy}{root}/big.bin", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(data.Length, get.Content.Headers.ContentLength);
        await using var stream = await get.Content.ReadAsStreamAsync(Cancel);
        Assert.Equal(SHA256.HashData(data), await SHA256.HashDataAsync(stream, Cancel));
    }

    [Fact]
    public async Task RangeRequest_FetchesOnlyTheAskedBytes()
    {
        var (runId, root) = await NewRunAsync();
        using (await Http.PutAsync($"{Proxy}{root}/log.txt", new StringContent("0123456789"), Cancel))
        {
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Proxy}{root}/log.txt");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(6, null);
        using var response = await Http.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("6789", await response.Content.ReadAsStringAsync(Cancel));

        using var viaRun = await Http.GetAsync($"/get-artifact?run_id={runId}&path=log.txt", Cancel);
        Assert.Equal("0123456789", await viaRun.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task ModelVersion_CopiesTheRunsFilesWithinTheBucket()
    {
        var (runId, root) = await NewRunAsync();
        using (await Http.PutAsync($"{Proxy}{root}/model/MLmodel", new StringContent("flavors: {}\n"), Cancel))
        {
        }

        var name = "s3-model-" + Guid.NewGuid().ToString("N");
        await _client.OkAsync("registered-models/create", new { name });
        await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model" });
        var storage = (await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version=1")).Json["artifact_uri"]!.GetValue<string>();
        Assert.StartsWith("mlflow-artifacts:/models/", storage, StringComparison.Ordinal);
        Assert.Equal(12, await ObjectLengthAsync($"{storage["mlflow-artifacts:/".Length..]}/MLmodel"));

        using var get = await Http.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path=MLmodel", Cancel);
        Assert.Equal("flavors: {}\n", await get.Content.ReadAsStringAsync(Cancel));
    }
}

/// <summary>An S3 endpoint that is down: artifact routes answer 503 with a clear message, metadata keeps working.</summary>
public sealed class S3UnavailableApiTests(S3DownCairnServer server) : IClassFixture<S3DownCairnServer>
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/";
    private readonly MlflowHttp _client = server.Client;

    [Fact]
    public async Task ArtifactRoutes_Answer503_WhileMetadataRoutesWork()
    {
        var experiment = await _client.CreateExperimentAsync();
        var run = await _client.CreateRunAsync(experiment);
        var root = $"{experiment}/{run}/artifacts";

        var replies = new[]
        {
            await _client.SendAsync(HttpMethod.Put, $"{Proxy}artifacts/{root}/a.txt", "hello"),
            await _client.GetAsync($"artifacts/{root}/a.txt", Proxy),
            await _client.GetAsync($"artifacts?path={root}", Proxy),
            await _client.SendAsync(HttpMethod.Delete, $"{Proxy}artifacts/{root}/a.txt", null),
            await _client.GetAsync($"artifacts/list?run_id={run}"),
            await _client.GetAsync($"get-artifact?run_id={run}&path=a.txt", "/"),
        };
        foreach (var reply in replies)
        {
            reply.AssertError(HttpStatusCode.ServiceUnavailable, "TEMPORARILY_UNAVAILABLE");
            Assert.Contains("Artifact storage s3://cairn-down/artifacts is unavailable", reply.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        await _client.OkAsync("runs/log-parameter", new { run_id = run, key = "lr", value = "0.1" });
        Assert.Equal("0.1", (await _client.GetRunAsync(run))["data"]!["params"]![0]!["value"]!.GetValue<string>());
        await _client.CreateExperimentAsync();
    }

    [Fact]
    public async Task Health_IsUnaffected()
    {
        using var response = await _client.Http.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
