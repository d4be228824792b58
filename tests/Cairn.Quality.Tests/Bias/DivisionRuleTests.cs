using Cairn.Quality.Bias;

namespace Cairn.Quality.Tests.Bias;

/// <summary>Clarify's divide rule (0/0 = 0, x/0 = ±∞, ∞ − ∞ = 0) on empty cells, and the label-distribution quirk.</summary>
public sealed class DivisionRuleTests
{
    private static BiasData Data(int[] labelsA, int[] predictedA, int[] labelsD, int[] predictedD) => new()
    {
        Sensitive = [.. labelsA.Select(_ => false), .. labelsD.Select(_ => true)],
        Labels = [.. labelsA.Concat(labelsD).Select(v => v == 1)],
        LabelValues = [.. labelsA.Concat(labelsD).Select(v => v == 1 ? "1" : "0")],
        Predictions = [.. predictedA.Concat(predictedD).Select(v => v == 1)],
    };

    [Fact]
    public void Divide_FollowsClarify()
    {
        Assert.Equal(0, ClarifyMath.Divide(0, 0));
        Assert.Equal(double.PositiveInfinity, ClarifyMath.Divide(3, 0));
        Assert.Equal(double.NegativeInfinity, ClarifyMath.Divide(-3, 0));
        Assert.Equal(0.75, ClarifyMath.Divide(3, 4));
        Assert.Equal(0, ClarifyMath.Difference(double.PositiveInfinity, double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, ClarifyMath.Difference(double.PositiveInfinity, 2));
    }

    [Fact]
    public void NoPredictedPositivesAnywhere_GivesZeroNotNaN()
    {
        var result = BiasAnalysis.Run(Data([1, 0, 1], [0, 0, 0], [1, 0], [0, 0]));

        Assert.Equal(0, result.Metric("DPPL").Value);
        Assert.Equal(0, result.Metric("DI").Value);                      // 0/0
        Assert.Equal(0, result.Metric("DCAcc").Value);                   // ∞ − ∞: both groups have positives but none predicted
        Assert.Equal(0, result.Metric("DAR").Value);                     // 0/0 − 0/0
        Assert.Equal(0, result.Metric("TE").Value);                      // FN/FP = ∞ in both groups
        Assert.All(result.PreTraining.Concat(result.PostTraining), m => Assert.False(double.IsNaN(m.Value), m.Code));
        // Fairlearn divides as NumPy does: no selections anywhere make the parity ratio 0/0 = NaN, as Fairlearn reports it.
        Assert.Equal(0, result.Metric("DPD").Value);
        Assert.True(double.IsNaN(result.Metric("DPR").Value));
    }

    [Fact]
    public void OnlyOneGroupAccepted_GivesInfinitiesWithTheirSigns()
    {
        // a: nothing predicted positive; d: everything. DI = q̂_d / 0 = +∞; DCAcc = ∞ (a) − finite (d) = +∞.
        var result = BiasAnalysis.Run(Data([1, 0], [0, 0], [1, 0, 0], [1, 1, 1]));

        Assert.Equal(double.PositiveInfinity, result.Metric("DI").Value);
        Assert.True(result.Metric("DI").Flagged);
        Assert.Equal(double.PositiveInfinity, result.Metric("DCAcc").Value);
        Assert.Equal(-1, result.Metric("DPPL").Value);
        // d has FP 2 and FN 0 → 0; a has FP 0 and FN 1 → +∞; TE = d − a = −∞.
        Assert.Equal(double.NegativeInfinity, result.Metric("TE").Value);
    }

    [Fact]
    public void EmptyFacet_DividesByZeroByTheRule()
    {
        var result = BiasAnalysis.Run(Data([1, 0, 1, 1], [1, 0, 1, 0], [], []));

        Assert.Equal(1, result.Metric("CI").Value);
        Assert.Equal(0.75, result.Metric("DPL").Value);                  // q_d = 0/0 = 0
        Assert.Equal(0, result.Metric("DI").Value);
        Assert.Equal(0.75, result.Metric("AD").Value);
    }

    [Fact]
    public void LabelValueMissingFromOneGroup_IsKeptByDefault_AndDroppedInClarifyCompat()
    {
        // Three label values; "2" appears only in a.
        var data = new BiasData
        {
            Sensitive = [false, false, false, false, true, true],
            LabelValues = ["0", "1", "2", "2", "0", "1"],
            Labels = [false, true, false, false, false, true],
        };

        var fixedResult = BiasAnalysis.Run(data);
        Assert.Equal(["0", "1", "2"], fixedResult.Distributions.Values);
        Assert.Equal(double.PositiveInfinity, fixedResult.Metric("KL").Value);
        Assert.Equal(0.5, fixedResult.Metric("TVD").Value, 1e-12);          // ½(|¼−½| + |¼−½| + |½−0|)
        Assert.Equal(0.5, fixedResult.Metric("KS").Value, 1e-12);

        var compat = BiasAnalysis.Run(data, new BiasOptions { ClarifyCompat = true });
        Assert.Equal(["0", "1"], compat.Distributions.Values);
        Assert.Equal([0.25, 0.25], compat.Distributions.A);                 // not renormalised
        Assert.Equal(0.25 * Math.Log(0.5) * 2, compat.Metric("KL").Value, 1e-12);
        Assert.Equal(0.25, compat.Metric("TVD").Value, 1e-12);
        Assert.Equal(Math.Sqrt(2 * 0.0625), compat.Metric("LP").Value, 1e-12);
    }

    [Fact]
    public void ConditionalDisparity_EmptyStratumShareIsZero_AndOneClassDataIsRefused()
    {
        // Stratum Y holds only rejections: its acceptance share is 0/0 = 0, so DD_Y = d's share of Y's rejections.
        double cdd = DemographicDisparity.Conditional([true, false, false, false], [false, true, true, false], ["X", "X", "Y", "Y"]);
        // X: rejected 1 (d) → 1/1, accepted 1 (a) → 0/1 → DD 1; Y: rejected 2, d 1 → ½ − 0 → 0.5; weighted (2·1 + 2·0.5) / 4.
        Assert.Equal(0.75, cdd, 1e-12);

        var error = Assert.Throws<ArgumentException>(() => DemographicDisparity.Conditional([true, true], [false, true], ["X", "Y"]));
        Assert.Contains("both positive and negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneralizedEntropy_IsZeroForPerfectPredictions_AndWhenEveryBenefitIsZero()
    {
        Assert.Equal(0, PostTrainingBias.GeneralizedEntropy([true, false, true], [true, false, true]));
        Assert.Equal(0, PostTrainingBias.GeneralizedEntropy([true, true], [false, false]));
    }
}
