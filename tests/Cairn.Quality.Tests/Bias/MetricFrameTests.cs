using Cairn.Quality.Bias;

namespace Cairn.Quality.Tests.Bias;

/// <summary>Fairlearn's numbers for the reference's 20-row example (§5), sensitive feature = group a/d.</summary>
public sealed class MetricFrameTests
{
    private const double Tolerance = 1e-12;

    private static readonly MetricFrame Frame = new(
        WorkedExample.Labels, WorkedExample.Predictions, [.. WorkedExample.Sensitive.Select(s => s ? "d" : "a")]);

    [Fact]
    public void ByGroupAndOverall_MatchTheReference()
    {
        Assert.Equal(["a", "d"], Frame.Groups);
        Assert.Equal(0.5, Frame.ByGroup(GroupMetric.SelectionRate, "a"), Tolerance);
        Assert.Equal(0.375, Frame.ByGroup(GroupMetric.SelectionRate, "d"), Tolerance);
        Assert.Equal(0.45, Frame.Overall(GroupMetric.SelectionRate), Tolerance);
        Assert.Equal(0.7142857142857143, Frame.ByGroup(GroupMetric.TruePositiveRate, "a"), Tolerance);
        Assert.Equal(0.3333333333333333, Frame.ByGroup(GroupMetric.TruePositiveRate, "d"), Tolerance);
        Assert.Equal(0.2, Frame.ByGroup(GroupMetric.FalsePositiveRate, "a"), Tolerance);
        Assert.Equal(0.4, Frame.ByGroup(GroupMetric.FalsePositiveRate, "d"), Tolerance);
        Assert.Equal(0.75, Frame.ByGroup(GroupMetric.Accuracy, "a"), Tolerance);
        Assert.Equal(0.5, Frame.ByGroup(GroupMetric.Accuracy, "d"), Tolerance);
        Assert.Equal(0.65, Frame.Overall(GroupMetric.Accuracy), Tolerance);
        Assert.Equal(12, Frame.ByGroup(GroupMetric.Count, "a"));
        Assert.Equal(20, Frame.Overall(GroupMetric.Count));
    }

    [Fact]
    public void FairnessSummaries_MatchTheReference()
    {
        Assert.Equal(0.125, Frame.DemographicParityDifference(), Tolerance);
        Assert.Equal(0.75, Frame.DemographicParityRatio(), Tolerance);
        Assert.Equal(0.075, Frame.DemographicParityDifference(FrameMethod.ToOverall), Tolerance);
        Assert.Equal(0.8333333333333333, Frame.DemographicParityRatio(FrameMethod.ToOverall), Tolerance);
        Assert.Equal(0.380952380952381, Frame.EqualizedOddsDifference(), Tolerance);
        Assert.Equal(0.2904761904761905, Frame.EqualizedOddsDifference(aggregation: OddsAggregation.Mean), Tolerance);
        Assert.Equal(0.4666666666666666, Frame.EqualizedOddsRatio(), Tolerance);
        Assert.Equal(0.5, Frame.Ratio(GroupMetric.FalsePositiveRate), Tolerance);
        Assert.Equal(0.380952380952381, Frame.EqualOpportunityDifference(), Tolerance);
        Assert.Equal(0.3333333333333333 / 0.7142857142857143, Frame.EqualOpportunityRatio(), Tolerance);
    }

    [Fact]
    public void ClarifyAndFairlearn_AgreeWhereTheReferenceSaysTheyDo()
    {
        // Two groups, d has the lower selection rate: DPPL = DP difference and DI = DP ratio.
        var clarify = BiasAnalysis.Run(WorkedExample.Data);
        Assert.Equal(clarify.Metric("DPPL").Value, Frame.DemographicParityDifference(), Tolerance);
        Assert.Equal(clarify.Metric("DI").Value, Frame.DemographicParityRatio(), Tolerance);
    }

    [Fact]
    public void SampleWeights_CountRowsByTheirWeight()
    {
        // Weight 2 on every row changes no rate; weight 0 on d's rows leaves a alone in the overall numbers.
        var doubled = new MetricFrame(WorkedExample.Labels, WorkedExample.Predictions, [.. WorkedExample.Sensitive.Select(s => s ? "d" : "a")],
            [.. WorkedExample.Labels.Select(_ => 2.0)]);
        Assert.Equal(0.45, doubled.Overall(GroupMetric.SelectionRate), Tolerance);
        Assert.Equal(40, doubled.Overall(GroupMetric.Count));

        var onlyA = new MetricFrame(WorkedExample.Labels, WorkedExample.Predictions, [.. WorkedExample.Sensitive.Select(s => s ? "d" : "a")],
            [.. WorkedExample.Sensitive.Select(s => s ? 0.0 : 1.0)]);
        Assert.Equal(0.5, onlyA.Overall(GroupMetric.SelectionRate), Tolerance);
        Assert.Equal(0.75, onlyA.Overall(GroupMetric.Accuracy), Tolerance);
    }

    [Fact]
    public void IntersectionsAndControlFeatures_SplitTheRows()
    {
        var sensitive = WorkedExample.Sensitive.Select((s, i) => (s ? "d" : "a") + "," + WorkedExample.Depts[i]).ToArray();
        var intersections = new MetricFrame(WorkedExample.Labels, WorkedExample.Predictions, sensitive);
        Assert.Equal(["a,X", "a,Y", "d,X", "d,Y"], intersections.Groups);
        Assert.Equal(6, intersections.ByGroup(GroupMetric.Count, "a,X"));
        Assert.Equal(5 / 6.0, intersections.ByGroup(GroupMetric.SelectionRate, "a,X"), Tolerance);   // a,X predictions 1,1,1,1,1,0
        Assert.Equal(1 / 6.0, intersections.ByGroup(GroupMetric.SelectionRate, "d,Y"), Tolerance);    // d,Y predictions 0,0,1,0,0,0
        var controlled = MetricFrame.ByControl(WorkedExample.Labels, WorkedExample.Predictions, [.. WorkedExample.Sensitive.Select(s => s ? "d" : "a")], WorkedExample.Depts);
        Assert.Equal(["X", "Y"], controlled.Keys);
        Assert.Equal(8, controlled["X"].Overall(GroupMetric.Count));
        Assert.Equal(1 - 5 / 6.0, controlled["X"].DemographicParityDifference(), Tolerance);          // within X: a 5/6, d 2/2
    }
}
