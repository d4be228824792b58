using Cairn.Training.Evaluation;
using Cairn.Training.Explain;
using Cairn.Training.Plots;
using Cairn.Training.Tests.Support;

namespace Cairn.Training.Tests.Plots;

public sealed class SvgPlotsTests
{
    private static readonly double[] Scores = [0.95, 0.9, 0.8, 0.7, 0.65, 0.6, 0.5, 0.4, 0.3, 0.2];
    private static readonly bool[] Labels = [true, true, false, true, true, false, false, true, false, false];

    [Fact]
    public void RocCurve_IsStandaloneSvgWithTitleAxesAndAucInTheLegend()
    {
        var roc = Curves.Roc(Scores, Labels);
        var svg = new Svg(SvgPlots.RocCurve(roc, Curves.Area(roc), "ROC <holdout>"));

        Assert.Equal(Svg.Ns + "svg", svg.Root.Name);
        Assert.Equal($"0 0 {svg.Root.Attribute("width")!.Value} {svg.Root.Attribute("height")!.Value}", svg.Root.Attribute("viewBox")!.Value);
        Assert.Equal("ROC <holdout>", svg.Root.Element(Svg.Ns + "title")!.Value);
        Assert.Equal("False positive rate", svg.ByClass("axis-title")[0].Value);
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], svg.One("x-axis").Elements().Where(e => (string?)e.Attribute("class") == "tick-label").Select(e => e.Value));
        Assert.Equal(6, svg.One("y-axis").Elements().Count(e => (string?)e.Attribute("class") == "tick"));
        Assert.Contains($"AUC = {Curves.Area(roc):0.000}", svg.One("legend").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void RocCurve_PolylineGoesFromOriginToOneOneInDataSpace_AndFollowsTheCurve()
    {
        var roc = Curves.Roc(Scores, Labels);
        var svg = new Svg(SvgPlots.RocCurve(roc, Curves.Area(roc)));

        var points = svg.PolylineInData(svg.One("curve"));

        Assert.Equal(roc.Count, points.Count);
        Assert.Equal(0, points[0].X, 3);
        Assert.Equal(0, points[0].Y, 3);
        Assert.Equal(1, points[^1].X, 3);
        Assert.Equal(1, points[^1].Y, 3);
        for (int i = 0; i < roc.Count; i++)
        {
            Assert.Equal(roc[i].FalsePositiveRate, points[i].X, 2);
            Assert.Equal(roc[i].TruePositiveRate, points[i].Y, 2);
        }

        var diagonal = svg.One("diagonal");
        Assert.Equal((0, 0), Round(svg.ToData(Svg.Number(diagonal, "x1"), Svg.Number(diagonal, "y1"))));
        Assert.Equal((1, 1), Round(svg.ToData(Svg.Number(diagonal, "x2"), Svg.Number(diagonal, "y2"))));
    }

    [Fact]
    public void PrecisionRecallCurve_StartsAtRecallZeroAndEndsAtRecallOne()
    {
        var curve = Curves.PrecisionRecall(Scores, Labels);
        var svg = new Svg(SvgPlots.PrecisionRecallCurve(curve, Curves.Area(curve)));

        var points = svg.PolylineInData(svg.One("curve"));

        Assert.Equal((0, 1), Round(points[0]));
        Assert.Equal((1, 0.5), Round(points[^1]));
        Assert.Equal("Recall", svg.ByClass("axis-title")[0].Value);
    }

    [Fact]
    public void ConfusionMatrix_HasNByNCellsWithTheirCountsAndEscapedLabels()
    {
        var matrix = new LabeledConfusionMatrix(["a<b", "c&d", "e"], [[5, 1, 0], [2, 7, 3], [0, 4, 9]]);
        var text = SvgPlots.ConfusionMatrix(matrix);
        var svg = new Svg(text);

        var cells = svg.ByClass("cell");
        Assert.Equal(9, cells.Count);
        foreach (var cell in cells)
        {
            int row = (int)Svg.Number(cell, "data-row"), column = (int)Svg.Number(cell, "data-column");
            Assert.Equal(matrix.Counts[row][column], (long)Svg.Number(cell, "data-count"));
        }

        Assert.Equal(matrix.Counts.SelectMany(r => r).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)), svg.ByClass("count").Select(e => e.Value));
        Assert.Equal(["a<b", "c&d", "e"], svg.ByClass("row-label").Select(e => e.Value));
        Assert.Equal(["a<b", "c&d", "e"], svg.ByClass("column-label").Select(e => e.Value));
        Assert.Contains("a&lt;b", text, StringComparison.Ordinal);

        // The largest count gets the darkest cell.
        var darkest = cells.MinBy(c => Convert.ToInt32(c.Attribute("fill")!.Value[1..3], 16))!;
        Assert.Equal(9, Svg.Number(darkest, "data-count"));
    }

    [Fact]
    public void FeatureImportance_DrawsOneBarPerColumn_MostImportantFirst_WithStdErrorBars()
    {
        FeatureImportance[] importances =
        [
            new("weak", 0.05, 0.01, []),
            new("strong", 0.40, 0.03, []),
            new("noise", -0.002, 0.004, []),
        ];
        var svg = new Svg(SvgPlots.FeatureImportance(importances, "r2_score"));

        var bars = svg.ByClass("bar");
        Assert.Equal(["strong", "weak", "noise"], bars.Select(b => b.Attribute("data-column")!.Value));
        Assert.Equal(["strong", "weak", "noise"], svg.ByClass("row-label").Select(e => e.Value));
        Assert.True(Svg.Number(bars[0], "width") > Svg.Number(bars[1], "width"));

        var errorBars = svg.ByClass("error-bar");
        Assert.Equal(3, errorBars.Count);
        var (strongLow, _) = svg.ToData(Svg.Number(errorBars[0], "x1"), 0);
        var (strongHigh, _) = svg.ToData(Svg.Number(errorBars[0], "x2"), 0);
        Assert.Equal(0.37, strongLow, 2);
        Assert.Equal(0.43, strongHigh, 2);
        Assert.Contains("r2_score", svg.One("x-axis").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void RegressionPlots_ShowEveryPointAndEveryResidual()
    {
        var random = new Random(5);
        var actual = Enumerable.Range(0, 200).Select(_ => 10 * random.NextDouble()).ToArray();
        var predicted = actual.Select(a => a + Blobs.Normal(random)).ToArray();

        var scatter = new Svg(SvgPlots.PredictedVsActual(actual, predicted));
        var points = scatter.ByClass("point");
        Assert.Equal(200, points.Count);
        var first = scatter.ToData(Svg.Number(points[0], "cx"), Svg.Number(points[0], "cy"));
        Assert.Equal(actual[0], first.X, 1);
        Assert.Equal(predicted[0], first.Y, 1);
        Assert.Single(scatter.ByClass("identity"));

        var histogram = new Svg(SvgPlots.ResidualHistogram(actual, predicted, bins: 20));
        var bins = histogram.ByClass("bin");
        Assert.Equal(20, bins.Count);
        Assert.Equal(200, bins.Sum(b => Svg.Number(b, "data-count")));
        int inFirstBin = actual.Zip(predicted, (a, p) => a - p).Count(r => r >= Svg.Number(bins[0], "data-low") && r < Svg.Number(bins[0], "data-high"));
        Assert.Equal(inFirstBin, Svg.Number(bins[0], "data-count"));
    }

    [Fact]
    public void Plots_AreDeterministic()
    {
        var roc = Curves.Roc(Scores, Labels);
        Assert.Equal(SvgPlots.RocCurve(roc, 0.8), SvgPlots.RocCurve(Curves.Roc(Scores, Labels), 0.8));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<svg ", SvgPlots.RocCurve(roc, 0.8), StringComparison.Ordinal);
    }

    [Fact]
    public void ResidualHistogram_WithMismatchedInputs_SaysSo()
    {
        var error = Assert.Throws<ArgumentException>(() => SvgPlots.ResidualHistogram([1, 2], [1]));
        Assert.Contains("2 and 1", error.Message, StringComparison.Ordinal);
    }

    private static (double, double) Round((double X, double Y) point) => (Math.Round(point.X, 3), Math.Round(point.Y, 3));
}
