using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Artifacts;

/// <summary>HTTP range requests on the download and preview routes, for each artifact store.</summary>
public abstract class ArtifactRangeApiContract(CairnServer server)
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts/";
    private static readonly string Text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i:00000}\n"));

    private HttpClient Http => server.Client.Http;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(string Run, string Root)> RunWithLogAsync()
    {
        var experiment = await server.Client.CreateExperimentAsync();
        var run = await server.Client.CreateRunAsync(experiment);
        var root = $"{experiment}/{run}/artifacts";
        using var put = await Http.PutAsync($"{Proxy}{root}/logs/train.log", new StringContent(Text, Encoding.ASCII), Cancel);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        return (run, root);
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string? range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        return await Http.SendAsync(request, Cancel);
    }

    private IEnumerable<string> Urls(string run, string root) =>
        [$"{Proxy}{root}/logs/train.log", $"/get-artifact?run_id={run}&path=logs/train.log", $"/ui/artifacts/{run}/logs/train.log"];

    [Fact]
    public async Task Head_Answers206WithContentRange()
    {
        var (run, root) = await RunWithLogAsync();
        foreach (var url in Urls(run, root))
        {
            using var response = await GetAsync(url, "bytes=0-65535");

            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes 0-65535/{Text.Length}", response.Content.Headers.ContentRange!.ToString());
            Assert.Equal(65_536, response.Content.Headers.ContentLength);
            Assert.Equal(Text[..65_536], await response.Content.ReadAsStringAsync(Cancel));
        }
    }

    [Fact]
    public async Task SuffixRange_AnswersTheTail()
    {
        var (run, root) = await RunWithLogAsync();
        foreach (var url in Urls(run, root))
        {
            using var response = await GetAsync(url, "bytes=-11");

            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes {Text.Length - 11}-{Text.Length - 1}/{Text.Length}", response.Content.Headers.ContentRange!.ToString());
            Assert.Equal("line 19999\n", await response.Content.ReadAsStringAsync(Cancel));
        }
    }

    [Fact]
    public async Task RangePastTheEnd_Answers416WithTheLength()
    {
        var (run, root) = await RunWithLogAsync();
        foreach (var url in Urls(run, root))
        {
            foreach (var range in new[] { $"bytes={Text.Length}-", $"bytes={Text.Length + 10}-{Text.Length + 20}", "bytes=-0" })
            {
                using var response = await GetAsync(url, range);

                Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
                Assert.Equal($"bytes */{Text.Length}", response.Content.Headers.ContentRange!.ToString());
            }
        }
    }

    [Fact]
    public async Task HeaderWeCannotHonour_SendsTheWholeFile()
    {
        var (run, root) = await RunWithLogAsync();
        foreach (var range in new[] { "bytes=5-2", "items=0-5", "bytes=0-1,5-6", "bytes=abc" })
        {
            using var response = await GetAsync($"/get-artifact?run_id={run}&path=logs/train.log", range);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Text.Length, response.Content.Headers.ContentLength);
            Assert.Equal("bytes", string.Join(",", response.Headers.AcceptRanges));
        }
    }

    [Fact]
    public async Task MissingArtifact_IsAnMlflow404EvenWithARange()
    {
        var (run, _) = await RunWithLogAsync();
        using var response = await GetAsync($"/get-artifact?run_id={run}&path=logs/none.log", "bytes=0-10");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_IsInlineAndSandboxed_DownloadIsAnAttachment()
    {
        var (run, root) = await RunWithLogAsync();
        using (var put = await Http.PutAsync($"{Proxy}{root}/report.html", new StringContent("<script>alert(1)</script>"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var preview = await GetAsync($"/ui/artifacts/{run}/report.html", null);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("text/html", preview.Content.Headers.ContentType!.MediaType);
        Assert.Equal("inline", preview.Content.Headers.ContentDisposition!.DispositionType);
        Assert.StartsWith("sandbox;", string.Join(",", preview.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        using var download = await GetAsync($"/get-artifact?run_id={run}&path=report.html", null);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
    }

    [Fact]
    public async Task Preview_OfAnUnknownRunOrABadPath_IsAClearError()
    {
        var (run, _) = await RunWithLogAsync();
        using var unknown = await GetAsync($"/ui/artifacts/{new string('a', 32)}/logs/train.log", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var traversal = await GetAsync($"/ui/artifacts/{run}/logs/%2e%2e/%2e%2e/secret", null);
        Assert.Equal(HttpStatusCode.BadRequest, traversal.StatusCode);
    }
}

public sealed class LocalArtifactRangeApiTests(CairnServer server) : ArtifactRangeApiContract(server), IClassFixture<CairnServer>;

public sealed class S3ArtifactRangeApiTests(S3CairnServer server) : ArtifactRangeApiContract(server), IClassFixture<S3CairnServer>;
