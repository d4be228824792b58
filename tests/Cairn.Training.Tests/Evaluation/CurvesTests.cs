using Cairn.Training.Evaluation;

namespace Cairn.Training.Tests.Evaluation;

public sealed class CurvesTests
{
    [Fact]
    public void Roc_OnAHandWorkedExample_HasTheExpectedPointsAndArea()
    {
        // Ranked: T(0.9) F(0.8) T(0.7) F(0.6): of the four positive-negative pairs, three are ordered correctly.
        double[] scores = [0.6, 0.9, 0.7, 0.8];
        bool[] labels = [false, true, true, false];

        var roc = Curves.Roc(scores, labels);

        Assert.Equal([(0, 0), (0, 0.5), (0.5, 0.5), (0.5, 1), (1, 1)], roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)));
        Assert.Equal(0.75, Curves.Area(roc), 12);
    }

    [Fact]
    public void Roc_WithTiedScores_StepsDiagonallyAndCountsTiesAsHalf()
    {
        double[] scores = [0.5, 0.5, 0.5, 0.5];
        bool[] labels = [true, false, true, false];

        var roc = Curves.Roc(scores, labels);

        Assert.Equal(2, roc.Count);
        Assert.Equal(0.5, Curves.Area(roc), 12);
    }

    [Fact]
    public void PrecisionRecall_StartsAtFullPrecisionAndEndsAtFullRecall()
    {
        double[] scores = [0.9, 0.8, 0.7, 0.6];
        bool[] labels = [true, false, true, false];

        var curve = Curves.PrecisionRecall(scores, labels);

        Assert.Equal((0, 1), (curve[0].Recall, curve[0].Precision));
        Assert.Equal((1, 0.5), (curve[^1].Recall, curve[^1].Precision));
        Assert.Equal((0.5, 0.5), (curve[2].Recall, curve[2].Precision));
    }

    [Fact]
    public void Roc_WithOneClassOnly_SaysWhy()
    {
        var error = Assert.Throws<ArgumentException>(() => Curves.Roc([0.1, 0.2], [true, true]));
        Assert.Contains("both positive and negative", error.Message, StringComparison.Ordinal);
    }
}
