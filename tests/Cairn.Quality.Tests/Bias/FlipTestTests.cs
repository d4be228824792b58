using Cairn.Quality.Bias;

namespace Cairn.Quality.Tests.Bias;

public sealed class FlipTestTests
{
    [Fact]
    public void SmallA_UsesTheSingleNearestNeighbour()
    {
        // a (6 rows, so k = 1): x ≤ 2 predicted 0, x ≥ 10 predicted 1.
        double[][] a = [[0], [1], [2], [10], [11], [12]];
        bool[] aPredicted = [false, false, false, true, true, true];
        // d: accepted near a's rejections twice (flip down), rejected near a's acceptances once (flip up), two agree.
        double[][] d = [[0.4], [2.2], [11.2], [1.1], [10.6]];
        bool[] dPredicted = [true, true, false, false, true];

        double ft = FlipTest.Compute([.. a, .. d], [.. aPredicted, .. dPredicted], [.. a.Select(_ => false), .. d.Select(_ => true)]);

        Assert.Equal((2 - 1) / 5.0, ft, 1e-12);
    }

    [Fact]
    public void LargerA_VotesAmongFiveNeighbours()
    {
        // a (10 rows, k = 5) on a line: rows 0..9 at x = 0..9, predicted 1 at x ∈ {0, 1, 2} and x ≥ 7.
        double[][] a = [.. Enumerable.Range(0, 10).Select(x => new double[] { x, 0 })];
        bool[] aPredicted = [true, true, true, false, false, false, false, true, true, true];
        // d at x = 0.1: neighbours x 0..4 → 3 of 5 accept → counterfactual 1; model says 0 → flip up.
        // d at x = 4.6: neighbours x 3..7 (distances .4 .6 1.4 1.6 2.4 vs 2.6 for x = 2) → 1 of 5 → counterfactual 0; model says 1 → flip down.
        double[][] d = [[0.1, 0], [4.6, 0], [4.6, 0]];
        bool[] dPredicted = [false, true, false];

        double ft = FlipTest.Compute([.. a, .. d], [.. aPredicted, .. dPredicted], [.. a.Select(_ => false), .. d.Select(_ => true)]);

        Assert.Equal((1 - 1) / 3.0, ft, 1e-12);
        Assert.Equal(-1.0, FlipTest.Compute([.. a, d[0]], [.. aPredicted, false], [.. a.Select(_ => false), true]), 1e-12);
        Assert.Equal(1.0, FlipTest.Compute([.. a, d[1]], [.. aPredicted, true], [.. a.Select(_ => false), true]), 1e-12);
    }

    [Fact]
    public void Analysis_SkipsTheFlipTestAboveItsPairLimit_AndSaysSo()
    {
        var data = WorkedExample.Data with { Features = [.. WorkedExample.Depts.Select((d, i) => new double[] { d == "X" ? 0 : 1, i })], FeatureNames = ["dept_code", "row"] };

        var computed = BiasAnalysis.Run(data);
        var skipped = BiasAnalysis.Run(data, new BiasOptions { FlipTestMaxPairs = 95 });     // 12 × 8 = 96 pairs

        Assert.Contains(computed.PostTraining, m => m.Code == "FT");
        Assert.Contains(computed.Notes, n => n.Contains("dept_code, row", StringComparison.Ordinal));
        Assert.DoesNotContain(skipped.PostTraining, m => m.Code == "FT");
        Assert.Contains(skipped.Notes, n => n.StartsWith("FT is not computed: 96 row pairs exceed the limit of 95", StringComparison.Ordinal));
    }
}
