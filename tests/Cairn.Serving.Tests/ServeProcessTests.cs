using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Client;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Tests.Infrastructure;

namespace Cairn.Serving.Tests;

/// <summary><c>cairn serve</c> run as a process, as a user runs it.</summary>
public sealed class ServeProcessTests(CairnServer server) : IClassFixture<CairnServer>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-serve-cli").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cairn.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Reads stderr until the server says where it listens.</summary>
    private static async Task<Uri> AddressAsync(Process process, StringBuilder log)
    {
        while (await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken) is { } line)
        {
            log.AppendLine(line);
            var at = line.IndexOf(" on http://", StringComparison.Ordinal);
            if (line.StartsWith("Serving ", StringComparison.Ordinal) && at > 0)
            {
                return new Uri(line[(at + 4)..].Trim());
            }
        }

        throw new InvalidOperationException("cairn serve ended before listening:\n" + log);
    }

    private static async Task<int> TerminateAsync(Process process)
    {
        // SIGTERM, as a container runtime or systemd stops a server; the host then drains and exits.
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return process.ExitCode;
    }

    [Fact]
    public async Task Serve_ALocalFolder_AnswersBothProtocols_AndExitsCleanlyOnSigterm()
    {
        var package = OnnxPackages.WritePythonLayout(_work, "linear");
        using var process = Start(null, "serve", "-m", package, "--name", "linear", "--port", "0");
        var log = new StringBuilder();
        try
        {
            using var http = new HttpClient { BaseAddress = await AddressAsync(process, log) };
            var ping = await http.GetAsync("/ping", TestContext.Current.CancellationToken);
            using var content = new StringContent("""{"inputs": [[1, 2, 3]]}""", Encoding.UTF8, "application/json");
            var invocations = await http.PostAsync("/invocations", content, TestContext.Current.CancellationToken);
            var metadata = JsonDocument.Parse(await http.GetStringAsync("/v2/models/linear", TestContext.Current.CancellationToken)).RootElement;

            Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
            Assert.Equal("""{"predictions":{"variable":[[-3.75,-0.5]]}}""", await invocations.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal("linear", metadata.GetProperty("name").GetString());
            Assert.Equal(0, await TerminateAsync(process));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task Serve_SeveralRegistryModels_ReadsTheTrackingUriFromTheEnvironment()
    {
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = "py-onnx-" + Guid.NewGuid().ToString("N")[..8];
        var run = await client.CreateRunAsync(await client.GetOrCreateExperimentAsync("serve-cli"));
        await client.UploadDirectoryAsync(run.Info.ArtifactUri, OnnxPackages.WritePythonLayout(_work, "linear"), "model");
        await client.EnsureRegisteredModelAsync(name);
        await client.CreateModelVersionAsync(name, $"runs:/{run.Info.RunId}/model", run.Info.RunId);
        await client.CreateModelVersionAsync(name, $"runs:/{run.Info.RunId}/model", run.Info.RunId);
        await client.SetAliasAsync(name, "champion", "2");

        var environment = new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.ToString() };
        using var process = Start(environment, "serve", "-m", $"models:/{name}@champion", "-m", $"first=models:/{name}/1", "--port", "0");
        var log = new StringBuilder();
        try
        {
            using var http = new HttpClient { BaseAddress = await AddressAsync(process, log) };
            var champion = JsonDocument.Parse(await http.GetStringAsync($"/v2/models/{name}", TestContext.Current.CancellationToken)).RootElement;
            var first = JsonDocument.Parse(await http.GetStringAsync("/v2/models/first", TestContext.Current.CancellationToken)).RootElement;
            using var content = new StringContent("""{"inputs": [{"name": "float_input", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""", Encoding.UTF8, "application/json");
            var infer = await http.PostAsync($"/v2/models/{name}/versions/2/infer", content, TestContext.Current.CancellationToken);

            Assert.Equal("2", champion.GetProperty("versions")[0].GetString());
            Assert.Equal("1", first.GetProperty("versions")[0].GetString());
            Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
            Assert.Contains("\"model_version\":\"2\"", await infer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData("no-such-folder-or-uri", "Cannot load the model")]
    [InlineData("models:/", "Cannot load the model")]
    public async Task Serve_AModelThatCannotBeLoaded_ExitsWithCode2AndSaysWhy(string uri, string message)
    {
        using var process = Start(new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.ToString() }, "serve", "-m", uri, "--port", "0");
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, await stderr);
    }

    [Fact]
    public async Task Serve_TwoModelsUnderOneName_IsRefused()
    {
        using var process = Start(null, "serve", "-m", "x=/a", "-m", "x=/b");
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Two models would be served as 'x'", await stderr);
    }
}
