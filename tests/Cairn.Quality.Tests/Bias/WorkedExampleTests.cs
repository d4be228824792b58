using Cairn.Quality.Bias;

namespace Cairn.Quality.Tests.Bias;

/// <summary>Every number of the reference's worked bias example (§4), to 1e-12.</summary>
public sealed class WorkedExampleTests
{
    private const double Tolerance = 1e-12;

    private static readonly BiasResult Result = BiasAnalysis.Run(WorkedExample.Data);

    [Fact]
    public void Confusion_MatchesTheReference()
    {
        Assert.Equal(new GroupCounts(12, 7, 6, 5, 1, 2, 4), Result.Counts.A);
        Assert.Equal(new GroupCounts(8, 3, 3, 1, 2, 2, 3), Result.Counts.D);
        Assert.Equal(["0", "1"], Result.Distributions.Values);
        Assert.Equal([5 / 12.0, 7 / 12.0], Result.Distributions.A);
        Assert.Equal([5 / 8.0, 3 / 8.0], Result.Distributions.D);
    }

    [Theory]
    [InlineData("CI", 0.2)]
    [InlineData("DPL", 0.20833333333333337)]
    [InlineData("KL", 0.08879197711770442)]
    [InlineData("JS", 0.021900621581564896)]
    [InlineData("LP", 0.2946278254943948)]
    [InlineData("TVD", 0.20833333333333334)]
    [InlineData("KS", 0.20833333333333337)]
    [InlineData("CDDL", 0.15619047619047616)]
    public void PreTraining_MatchesTheReference(string code, double expected) =>
        Assert.Equal(expected, Result.Metric(code).Value, Tolerance);

    [Theory]
    [InlineData("DPPL", 0.125)]
    [InlineData("DI", 0.75)]
    [InlineData("DCAcc", 0.16666666666666674)]
    [InlineData("DCR", 0.16666666666666663)]
    [InlineData("SD", -0.2)]
    [InlineData("RD", 0.380952380952381)]
    [InlineData("DAR", 0.5)]
    [InlineData("DRR", -0.06666666666666665)]
    [InlineData("AD", 0.25)]
    [InlineData("TE", -1.0)]
    [InlineData("CDDPL", -0.11428571428571428)]
    [InlineData("GE", 0.1925207756232686)]
    public void PostTraining_MatchesTheReference(string code, double expected) =>
        Assert.Equal(expected, Result.Metric(code).Value, Tolerance);

    [Fact]
    public void ConditionalDisparity_StrataMatchTheReferenceDetail()
    {
        var labels = Assert.IsType<IReadOnlyList<DemographicDisparity.Stratum>>(Result.LabelStrata, exactMatch: false);
        Assert.Equal(["X", "Y"], labels.Select(s => s.Group));
        Assert.Equal([8, 12], labels.Select(s => s.Rows));
        Assert.Equal(1 / 3.0 - 1 / 5.0, labels[0].Disparity, Tolerance);
        Assert.Equal(4 / 7.0 - 2 / 5.0, labels[1].Disparity, Tolerance);

        var predicted = Result.PredictionStrata!;
        Assert.Equal(0 / 3.0 - 2 / 7.0, predicted[0].Disparity, Tolerance);
        Assert.Equal(0, predicted[1].Disparity, Tolerance);
    }

    [Fact]
    public void Verdicts_FollowEachMetricsRule()
    {
        Assert.True(Result.Metric("DI").Flagged);         // 0.75 < 0.8: fails the four-fifths rule
        Assert.True(Result.Metric("DPPL").Flagged);       // 0.125 > 0.1
        Assert.False(Result.Metric("CI").Flagged);        // 0.2 is within ±0.2
        Assert.False(Result.Metric("JS").Flagged);        // 0.0219 ≤ 0.1
        Assert.False(Result.Metric("KL").Flagged);        // 0.0888 ≤ 0.1
        Assert.True(Result.Metric("TE").Flagged);         // |−1| > 0.5
        Assert.False(Result.Metric("GE").Flagged);        // informational: no pass rule
        Assert.Equal("informational", Result.Metric("GE").Rule);
    }

    [Fact]
    public void WithoutPredictionsOrGroups_OnlyLabelMetricsAreComputed()
    {
        var result = BiasAnalysis.Run(WorkedExample.Data with { Predictions = null, Groups = null });

        Assert.Equal(["CI", "DPL", "KL", "JS", "LP", "TVD", "KS"], result.PreTraining.Select(m => m.Code));
        Assert.Empty(result.PostTraining);
        Assert.Null(result.Frame);
        Assert.Equal(0.2, result.Metric("CI").Value, Tolerance);
    }
}
