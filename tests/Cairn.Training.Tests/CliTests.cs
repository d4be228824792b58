using System.Globalization;
using Cairn.Training.Datasets;
using Cairn.Training.Tests.Support;

namespace Cairn.Training.Tests;

/// <summary><c>cairn datasets synth credit</c> run as a process, as a user runs it.</summary>
public sealed class CliTests
{
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => CairnProcess.RunAsync(args);

    private static string Expected(CreditApplicantOptions options)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        CreditCsv.Write(CreditApplicants.Generate(options), writer);
        return writer.ToString();
    }

    [Fact]
    public async Task SynthCredit_WithOutput_WritesTheSeededCsv()
    {
        var path = Path.Combine(Path.GetTempPath(), "cairn-cli-datasets", $"{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        var (code, _, stderr) = await RunAsync("datasets", "synth", "credit", "--rows", "300", "--seed", "9", "--bias", "0.5", "--drift", "1", "--output", path);

        Assert.Equal(0, code);
        Assert.Contains("300", stderr, StringComparison.Ordinal);
        Assert.Equal(Expected(new CreditApplicantOptions { Rows = 300, Seed = 9, Bias = 0.5, Drift = 1 }), await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        File.Delete(path);
    }

    [Fact]
    public async Task SynthCredit_WithoutOutput_WritesCsvToStdout()
    {
        var (code, stdout, _) = await RunAsync("datasets", "synth", "credit", "--rows", "25", "--seed", "4");

        Assert.Equal(0, code);
        Assert.Equal(Expected(new CreditApplicantOptions { Rows = 25, Seed = 4 }), stdout);
    }

    [Theory]
    [InlineData("--rows", "0", "--bias", "0")]
    [InlineData("--rows", "10", "--bias", "2")]
    [InlineData("--rows", "10", "--drift", "9")]
    public async Task SynthCredit_WithAnOutOfRangeOption_FailsNamingIt(string rowsFlag, string rows, string flag, string value)
    {
        string named = rows == "0" ? "--rows" : flag;

        var (code, stdout, stderr) = await RunAsync("datasets", "synth", "credit", rowsFlag, rows, "--seed", "1", flag, value);

        Assert.NotEqual(0, code);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task SynthCredit_WithoutRows_FailsNamingIt()
    {
        var (code, _, stderr) = await RunAsync("datasets", "synth", "credit", "--seed", "1");

        Assert.NotEqual(0, code);
        Assert.Contains("--rows", stderr, StringComparison.Ordinal);
    }
}
