using System.Net;
using System.Security.Cryptography;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Artifacts;

public sealed class ArtifactApiTests(CairnServer server) : IClassFixture<CairnServer>
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts/";
    private readonly MlflowHttp _client = server.Client;
    private HttpClient Http => _client.Http;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(string Experiment, string Run, string Root)> NewRunAsync()
    {
        var experiment = await _client.CreateExperimentAsync();
        var run = await _client.CreateRunAsync(experiment);
        return (experiment, run, $"{experiment}/{run}/artifacts");
    }

    [Fact]
    public async Task Upload_Download_List_Delete_RoundTrip()
    {
        var (_, runId, root) = await NewRunAsync();
        using (var put = await Http.PutAsync($"{Proxy}{root}/model/MLmodel", new StringContent("flavors: {}\n"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal("{}", await put.Content.ReadAsStringAsync(Cancel));
        }

        using (var put = await Http.PutAsync($"{Proxy}{root}/model/weights.bin", new ByteArrayContent([1, 2, 3]), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var get = await Http.GetAsync($"{Proxy}{root}/model/MLmodel", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("flavors: {}\n", await get.Content.ReadAsStringAsync(Cancel));
            Assert.Equal("text/plain", get.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", get.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("nosniff", get.Headers.GetValues("X-Content-Type-Options").Single());
        }

        var proxyList = await _client.OkGetAsync($"artifacts?path={root}/model", "/api/2.0/mlflow-artifacts/");
        var names = proxyList.Json["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(["MLmodel", "weights.bin"], names);

        var runList = await _client.OkGetAsync($"artifacts/list?run_id={runId}&path=model");
        var files = runList.Json["files"]!.AsArray();
        Assert.Equal($"mlflow-artifacts:/{root}", runList.Json["root_uri"]!.GetValue<string>());
        Assert.Equal("model/weights.bin", files[1]!["path"]!.GetValue<string>());
        Assert.Equal(3, files[1]!["file_size"]!.GetValue<long>());
        var top = await _client.OkGetAsync($"artifacts/list?run_id={runId}");
        Assert.True(top.Json["files"]![0]!["is_dir"]!.GetValue<bool>());
        Assert.Null(top.Json["files"]![0]!["file_size"]);

        using (var delete = await Http.DeleteAsync($"{Proxy}{root}/model/weights.bin", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        (await _client.GetAsync($"artifacts/{root}/model/weights.bin", "/api/2.0/mlflow-artifacts/")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        using (var deleteTree = await Http.DeleteAsync($"{Proxy}{root}/model", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, deleteTree.StatusCode);
        }

        Assert.Null((await _client.OkGetAsync($"artifacts/list?run_id={runId}&path=model")).Json["files"]);
    }

    [Fact]
    public async Task LargeUpload_StreamsAndKeepsEveryByte()
    {
        var (_, _, root) = await NewRunAsync();
        var data = new byte[48 * 1024 * 1024];
        new Random(7).NextBytes(data);
        using (var put = await Http.PutAsync($"{Proxy}{root}/big.bin", new ByteArrayContent(data), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var get = await Http.GetAsync($"{Proxy}{root}/big.bin", HttpCompletionOption.ResponseHeadersRead, Cancel);
        await using var stream = await get.Content.ReadAsStreamAsync(Cancel);
        var hash = await SHA256.HashDataAsync(stream, Cancel);
        Assert.Equal(SHA256.HashData(data), hash);
        Assert.Equal(data.Length, get.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task RangeRequest_ReadsOnlyTheAskedBytes()
    {
        var (_, _, root) = await NewRunAsync();
        using (await Http.PutAsync($"{Proxy}{root}/log.txt", new StringContent("0123456789"), Cancel))
        {
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Proxy}{root}/log.txt");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(2, 4);
        using var response = await Http.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("234", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData("a/../../etc/passwd")]
    [InlineData("..%2f..%2fetc%2fpasswd")]
    [InlineData("%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("%252e%252e%252fetc%252fpasswd")]
    [InlineData("a%5c..%5c..%5cwin.ini")]
    [InlineData("a%00b.txt")]
    [InlineData("a%23frag")]
    [InlineData("a%3Fq=1")]
    [InlineData("a%3Bx=1")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("./a.txt")]
    [InlineData("a/%2E/b")]
    [InlineData("C:%5Cwindows")]
    public async Task TraversalAndSmuggledPaths_AreRefusedWith400(string path)
    {
        var (_, runId, root) = await NewRunAsync();
        var targets = new (string Method, string Target)[]
        {
            ("GET", Proxy + path),
            ("PUT", Proxy + path),
            ("DELETE", Proxy + path),
            ("GET", $"{Proxy}{root}/{path}"),
            ("PUT", $"{Proxy}{root}/{path}"),
            ("GET", $"/api/2.0/mlflow-artifacts/artifacts?path={path}"),
            ("GET", $"/api/2.0/mlflow/artifacts/list?run_id={runId}&path={path}"),
            ("GET", $"/get-artifact?run_id={runId}&path={path}"),
        };
        foreach (var (method, target) in targets)
        {
            var (status, body) = await RawHttp.SendAsync(server.BaseAddress, method, target, method == "PUT" ? "x" : null);
            Assert.True(status == 400, $"{method} {target} answered {status}: {body}");

            // Kestrel itself refuses a NUL in the path before the app sees it; everything else gets MLflow's error body.
            if (body.Length > 0)
            {
                Assert.Contains("INVALID_PARAMETER_VALUE", body, StringComparison.Ordinal);
            }
        }

        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "passwd")));
    }

    [Fact]
    public async Task SymlinkOutOfRoot_IsNeverFollowed()
    {
        var (_, _, root) = await NewRunAsync();
        var outside = Path.Combine(server.DataDirectory, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "secret", Cancel);
        var runFolder = Path.Combine(server.ArtifactRoot, root.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(runFolder);
        Directory.CreateSymbolicLink(Path.Combine(runFolder, "link"), outside);
        File.CreateSymbolicLink(Path.Combine(runFolder, "file-link.txt"), Path.Combine(outside, "secret.txt"));

        var read = await _client.GetAsync($"artifacts/{root}/link/secret.txt", "/api/2.0/mlflow-artifacts/");
        Assert.Equal(HttpStatusCode.BadRequest, read.Status);
        var readFileLink = await _client.GetAsync($"artifacts/{root}/file-link.txt", "/api/2.0/mlflow-artifacts/");
        Assert.Equal(HttpStatusCode.NotFound, readFileLink.Status);
        var write = await _client.SendAsync(HttpMethod.Put, $"{Proxy}{root}/link/new.txt", "x");
        Assert.Equal(HttpStatusCode.BadRequest, write.Status);
        Assert.False(File.Exists(Path.Combine(outside, "new.txt")));
        var delete = await _client.SendAsync(HttpMethod.Delete, $"{Proxy}{root}/link", null);
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.True(File.Exists(Path.Combine(outside, "secret.txt")));
    }

    [Fact]
    public async Task Multipart_AnswersNotImplementedWithTheFallbackMessage()
    {
        var reply = await _client.PostAsync("mpu/create/1/x/artifacts/big.bin", new { path = "big.bin", num_parts = 3 }, "/api/2.0/mlflow-artifacts/");
        reply.AssertError(HttpStatusCode.NotImplemented, "NOT_IMPLEMENTED");
        Assert.StartsWith("Multipart upload is not supported for the current artifact repository", reply.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetArtifactAndUiUpload_ServeRunFiles()
    {
        var (_, runId, _) = await NewRunAsync();
        using var content = new StringContent("notes");
        using (var upload = await Http.PostAsync($"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={runId}&path=notes.md", content, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        using var get = await Http.GetAsync($"/get-artifact?run_uuid={runId}&path=notes.md", Cancel);
        Assert.Equal("notes", await get.Content.ReadAsStringAsync(Cancel));
        (await _client.GetAsync($"get-artifact?run_id={runId}&path=../x", "/")).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }
}
