using Cairn.Quality.Bias;
using Cairn.Training.Data;

namespace Cairn.Quality.Tests.Bias;

/// <summary>How table columns become facet membership, positive labels, predictions, strata and flip-test features.</summary>
public sealed class BiasTableTests
{
    private static readonly RawTable Table = new(
        ["age", "grade", "score", "region", "predicted", "income"],
        [
            ["25", "A", "0.9", "N", "true", "10"],
            ["70", "B", "0.2", "S", "false", "20"],
            ["65", "C", "0.7", "N", "true", "30"],
            ["40", "A", "0.4", "S", "false", "40"],
            ["61", "B", "0.6", "S", "true", "50"],
        ]);

    [Fact]
    public void NumericFacetAndLabel_SplitByTheirThresholds()
    {
        var data = BiasTable.Build(Table, new BiasSpec { Facet = "age", FacetThreshold = 60, Label = "score", LabelThreshold = 0.5 });

        Assert.Equal([false, true, true, false, true], data.Sensitive);
        Assert.Equal([true, false, true, false, true], data.Labels);
        Assert.Equal(["1", "0", "1", "0", "1"], data.LabelValues);                  // thresholded labels: positive/negative
        Assert.Equal(["age ≤ 60", "age > 60", "age > 60", "age ≤ 60", "age > 60"], data.SensitiveGroups);
        Assert.Null(data.Predictions);
        Assert.Null(data.Features);
    }

    [Fact]
    public void MultiValuedLabelAndFacet_CollapseToTheSelectedSets()
    {
        var data = BiasTable.Build(Table, new BiasSpec
        {
            Facet = "grade", FacetValues = ["B", "C"], Label = "grade", PositiveValues = ["A", "B"], Group = "region", PredictionColumn = "predicted",
        });

        Assert.Equal([false, true, true, false, true], data.Sensitive);
        Assert.Equal([true, true, false, true, true], data.Labels);
        Assert.Equal(["A", "B", "C", "A", "B"], data.LabelValues);                  // distributions keep every class
        Assert.Equal(["N", "S", "N", "S", "S"], data.Groups);
        Assert.Equal(["A", "B", "C", "A", "B"], data.SensitiveGroups);
        // Predictions read true/false although the positive label values are grades.
        Assert.Equal([true, false, true, false, true], data.Predictions);
        // Numeric columns other than facet, label, group and predictions: age, score and income.
        Assert.Equal([25.0, 0.9, 10], data.Features![0]);
    }

    [Fact]
    public void ModelPredictionsAndItsInputs_AreUsedWhenGiven()
    {
        var data = BiasTable.Build(Table, new BiasSpec { Facet = "region", FacetValues = ["S"], Label = "predicted" }, ["1", "0", "0", "1", "1"], ["income", "region"]);

        Assert.Equal([true, false, false, true, true], data.Predictions);
        Assert.Equal([[10.0], [20], [30], [40], [50]], data.Features);
    }

    [Fact]
    public void Scores_AreCutAtTheProbabilityThreshold()
    {
        var data = BiasTable.Build(Table, new BiasSpec { Facet = "region", FacetValues = ["N"], Label = "predicted", PredictionColumn = "score", ProbabilityThreshold = 0.5 });

        Assert.Equal([true, false, true, false, true], data.Predictions);
        var error = Assert.Throws<BiasInputException>(() =>
            BiasTable.Build(Table, new BiasSpec { Facet = "region", FacetValues = ["N"], Label = "predicted", PredictionColumn = "grade", ProbabilityThreshold = 0.5 }));
        Assert.Equal("--predictions: column 'grade' row 1 has 'A', which is not a number; a threshold needs numbers.", error.Message);
    }

    [Fact]
    public void ThresholdThatSelectsNoRow_IsRefused()
    {
        var error = Assert.Throws<BiasInputException>(() => BiasTable.Build(Table, new BiasSpec { Facet = "age", FacetThreshold = 90, Label = "predicted" }));
        Assert.Equal("--facet-threshold: no row of 'age' is above 90, so the sensitive group is empty.", error.Message);
    }
}
