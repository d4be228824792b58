using System.Text.Json;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests.Bias;

/// <summary>
/// <c>cairn bias</c> exposes what the Fairlearn frame supports: sample weights, intersections of sensitive columns and
/// control features. Eight rows, numbers worked out by hand.
/// </summary>
public sealed class BiasFrameOptionsTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cairn-bias-frame").FullName;

    // Weighted selection rates: female·north 1/(1+3) = 0.25, female·south 1/2, male·north 4/4 = 1, male·south 1/2.
    private string Data()
    {
        var path = Path.Combine(_folder, "rows.csv");
        File.WriteAllLines(path,
        [
            "gender,region,w,label,pred,score",
            "female,north,1,true,true,1", "female,north,3,false,false,2", "female,south,1,true,false,3", "female,south,1,false,true,4",
            "male,north,2,true,true,5", "male,north,2,false,true,6", "male,south,1,true,true,7", "male,south,1,false,false,8",
        ]);
        return path;
    }

    private async Task<JsonElement> BiasAsync(params string[] extra)
    {
        var json = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        var (code, _, stderr) = await CairnProcess.RunAsync(["bias", "-i", Data(), "--facet", "gender", "--facet-value", "female", "--label", "label",
            "--predictions", "pred", "--json", json, "--html", Path.ChangeExtension(json, ".html"), .. extra]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken)).RootElement;
    }

    private static double Rate(JsonElement frame, string group) => frame.GetProperty("by_group").GetProperty(group).GetProperty("selection_rate").GetDouble();

    private static double Dpd(JsonElement report) =>
        report.GetProperty("group_fairness").EnumerateArray().Single(m => m.GetProperty("code").GetString() == "DPD").GetProperty("value").GetDouble();

    [Fact]
    public async Task SampleWeightsAndIntersections_GroupAndWeightTheFrame()
    {
        var plain = await BiasAsync();
        Assert.Equal(0.25, Dpd(plain), 12); // female 2/4, male 3/4

        var report = await BiasAsync("--sample-weight", "w", "--intersect", "region");
        var frame = report.GetProperty("metric_frame");
        Assert.Equal(["female · north", "female · south", "male · north", "male · south"], frame.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(0.25, Rate(frame, "female · north"), 12);
        Assert.Equal(0.5, Rate(frame, "female · south"), 12);
        Assert.Equal(1.0, Rate(frame, "male · north"), 12);
        Assert.Equal(4.0, frame.GetProperty("by_group").GetProperty("male · north").GetProperty("count").GetDouble(), 12);
        Assert.Equal(0.75, Dpd(report), 12);
        Assert.Contains(report.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("Sample weights apply", StringComparison.Ordinal));
        // The weight column is not a flip-test feature; Clarify's metrics still count rows (DPPL: 3/4 − 2/4).
        var dppl = report.GetProperty("post_training").EnumerateArray().Single(m => m.GetProperty("code").GetString() == "DPPL").GetProperty("value").GetDouble();
        Assert.Equal(0.25, dppl, 12);
        Assert.Contains(report.GetProperty("notes").EnumerateArray(), n => n.GetString() == "FT compares each d row with its nearest a rows by score.");
    }

    [Fact]
    public async Task ControlFeatures_GiveOneFramePerStratum()
    {
        var report = await BiasAsync("--sample-weight", "w", "--control", "region");
        var byControl = report.GetProperty("metric_frame_by_control");
        Assert.Equal(["north", "south"], byControl.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.25, Rate(byControl.GetProperty("north"), "female"), 12);
        Assert.Equal(1.0, Rate(byControl.GetProperty("north"), "male"), 12);
        Assert.Equal(0.75, byControl.GetProperty("north").GetProperty("difference").GetProperty("selection_rate").GetProperty("between_groups").GetDouble(), 12);
        Assert.Equal(0.0, byControl.GetProperty("south").GetProperty("difference").GetProperty("selection_rate").GetProperty("between_groups").GetDouble(), 12);
        var html = await File.ReadAllTextAsync(Directory.GetFiles(_folder, "*.html").Single(), TestContext.Current.CancellationToken);
        Assert.Contains("Within each control stratum", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--sample-weight", "nope", "no column 'nope'")]
    [InlineData("--sample-weight", "gender", "weights must be non-negative numbers")]
    [InlineData("--intersect", "nope", "no column 'nope'")]
    [InlineData("--control", "nope", "no column 'nope'")]
    public async Task BadFrameOptions_ExitWithCode2(string option, string value, string message)
    {
        var (code, _, stderr) = await CairnProcess.RunAsync("bias", "-i", Data(), "--facet", "gender", "--facet-value", "female", "--label", "label",
            "--predictions", "pred", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }
}
