using System.Diagnostics;
using Cairn.Client;
using Cairn.Models.Package;
using Cairn.Models.Sdk;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Serving.Tests.Batch;

/// <summary><c>cairn predict</c> run as a process, as a user runs it.</summary>
public sealed class PredictProcessTests(CairnServer server) : IClassFixture<CairnServer>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-predict-cli").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cairn.dll"));
        start.ArgumentList.Add("predict");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task ARegisteredModel_PredictsAFile_WithProgress()
    {
        var folder = await BatchModels.WriteClassifierAsync(_work);
        using var client = CairnClient.Create(server.BaseAddress.ToString());
        var name = "batch-" + Guid.NewGuid().ToString("N")[..8];
        var run = await client.CreateRunAsync(await client.GetOrCreateExperimentAsync("batch-predict"));
        await client.UploadDirectoryAsync(run.Info.ArtifactUri, folder, "model");
        await client.CreateRegisteredModelAsync(name);
        await client.CreateModelVersionAsync(name, $"runs:/{run.Info.RunId}/model", run.Info.RunId);
        var input = BatchModels.WriteCsv(Path.Combine(_work, "in.csv"), 5_000, seed: 2);
        var output = Path.Combine(_work, "out.parquet");

        var (exit, _, stderr) = await RunAsync(new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.ToString() },
            "-m", $"models:/{name}/1", "-i", input, "-o", output, "--keep", "id", "--chunk-rows", "1000");

        Assert.True(exit == 0, stderr);
        Assert.Contains("100%", stderr);
        Assert.Contains("Predicted 5,000 of 5,000 rows", stderr);
        Assert.False(File.Exists(output + ".errors.csv"));
        using var model = await ModelPackage.LoadAsync(folder, TestContext.Current.CancellationToken);
        await using var file = File.OpenRead(output);
        var table = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(file, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(5_000, table.Data.Count);
        Assert.Equal(["row", "id", "PredictedLabel", "Score", "Probability"], table.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => $"id-{i}"), table.Data.Select(r => (string)r["id"]!));
    }

    [Fact]
    public async Task RowErrors_GoToTheReport_AndTheExitCodeSaysSo()
    {
        var folder = await BatchModels.WriteClassifierAsync(_work);
        var input = BatchModels.WriteCsv(Path.Combine(_work, "in.csv"), 50, seed: 4, (i, line) => i == 6 ? line.Replace(",a", ",", StringComparison.Ordinal).Replace(",b", ",", StringComparison.Ordinal).Replace(",c", ",", StringComparison.Ordinal) + ",extra" : line);
        var output = Path.Combine(_work, "out.csv");

        var (exit, _, stderr) = await RunAsync(null, "-m", folder, "-i", input, "-o", output);

        Assert.True(exit == 3, stderr);
        Assert.Contains("1 rows failed", stderr);
        Assert.Equal(["row,error", "7,the row has 7 fields; the header has 6"], File.ReadAllLines(output + ".errors.csv"));
        Assert.Equal(50, File.ReadAllLines(output).Length);
    }

    [Fact]
    public async Task AMissingColumn_FailsBeforeWriting_AndLeavesNoFiles()
    {
        var folder = await BatchModels.WriteClassifierAsync(_work);
        var input = Path.Combine(_work, "in.csv");
        File.WriteAllLines(input, ["X1,X2,X4,Segment", "1,2,3,a"]);
        var output = Path.Combine(_work, "out", "predictions.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var (exit, _, stderr) = await RunAsync(null, "-m", folder, "-i", input, "-o", output);

        Assert.Equal(2, exit);
        Assert.Contains("lacks column the model needs: 'X3'", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!));
    }

    [Theory]
    [InlineData("in.txt", "out.csv", "reads and writes .csv and .parquet")]
    [InlineData("missing.csv", "out.csv", "does not exist")]
    public async Task BadArguments_AreNamed(string input, string output, string message)
    {
        var (exit, _, stderr) = await RunAsync(null, "-m", _work, "-i", Path.Combine(_work, input), "-o", Path.Combine(_work, output));

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
    }
}
