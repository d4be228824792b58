using Cairn.Quality.Explain;

namespace Cairn.Quality.Tests.Explain;

/// <summary>TreeSHAP on trees read from real ML.NET 5 models: the trees reproduce the model's score and the values add up.</summary>
public sealed class MlNetTreeShapTests
{
    public static TheoryData<string, string, string> Models => new()
    {
        { "credit", "fasttree", "{number_of_trees: 60, number_of_leaves: 16}" },
        { "credit", "fastforest", "{number_of_trees: 40, number_of_leaves: 16}" },
        { "credit", "lightgbm", "{number_of_iterations: 60, number_of_leaves: 16}" },
        { "boston", "fasttree", "{number_of_trees: 60, number_of_leaves: 12}" },
        { "boston", "fastforest", "{number_of_trees: 40, number_of_leaves: 12}" },
        { "boston", "lightgbm", "{number_of_iterations: 60, number_of_leaves: 12}" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task TreeShap_ReadFromModel_SumsToModelScoreMinusExpectedValue(string data, string trainer, string hyperparameters)
    {
        var (model, inputs, _) = await TrainedModels.LoadAsync(data == "credit"
            ? TrainedModels.CreditAsync(trainer, hyperparameters) : TrainedModels.BostonAsync(trainer, hyperparameters));
        var rows = Enumerable.Range(0, 150).ToList();

        var explanation = ModelExplainer.Explain(model, inputs, null, rows, new ExplainOptions { Method = ExplainMethod.Tree, DependenceFeatures = 0 },
            TestContext.Current.CancellationToken);

        Assert.Equal("tree", explanation.Method);
        var scores = ModelOutput.For(model, inputs).Predict(Cairn.Quality.Explain.FrameRows.Select(inputs, rows));
        for (int r = 0; r < rows.Count; r++)
        {
            double prediction = explanation.Predictions[r];
            Assert.True(Math.Abs(prediction - scores[r]) <= 1e-5 * Math.Max(1, Math.Abs(scores[r])), $"row {r}: trees {prediction}, model {scores[r]}");
            double sum = explanation.Shap[r].Sum() + explanation.ExpectedValue;
            Assert.True(Math.Abs(sum - prediction) <= 1e-6 * Math.Max(1, Math.Abs(prediction)), $"row {r}: E + Σφ = {sum}, f(x) = {prediction}");
        }

        Assert.Equal(inputs.Columns.Select(c => c.Name), explanation.Features);
        Assert.Contains(explanation.MeanAbsShap(), v => v > 0);
    }

    [Fact]
    public async Task Credit_StrongestDocumentedFeaturesComeFirst_GenderHasAlmostNone()
    {
        var (model, inputs, _) = await TrainedModels.LoadAsync(TrainedModels.CreditAsync("fasttree", "{number_of_trees: 60, number_of_leaves: 16}"));
        var explanation = ModelExplainer.Explain(model, inputs, null, Enumerable.Range(0, 1000).ToList(), new ExplainOptions { DependenceFeatures = 0 },
            TestContext.Current.CancellationToken);

        // docs/datasets/credit.md: per standard deviation, debt-to-income (−1.2) and income (+1.0) move the log-odds most; gender not at all.
        var ranking = explanation.Ranking().Select(j => explanation.Features[j]).ToList();
        Assert.Equal(["debt_to_income", "income"], ranking.Take(2).Order());
        var importance = explanation.MeanAbsShap();
        double gender = importance[explanation.Features.ToList().IndexOf("gender")];
        Assert.True(gender < 0.1 * importance.Max(), $"gender mean |SHAP| {gender} vs top {importance.Max()}");
        Assert.Contains(explanation.Facts, f => f.Name == "calibration");
    }

    [Fact]
    public async Task Credit_InjectedBias_GenderGainsAttribution_WomenPushedDown()
    {
        var (model, inputs, _) = await TrainedModels.LoadAsync(TrainedModels.CreditAsync("fasttree", "{number_of_trees: 60, number_of_leaves: 16}", biased: true));
        var explanation = ModelExplainer.Explain(model, inputs, null, Enumerable.Range(0, 1000).ToList(), new ExplainOptions { DependenceFeatures = 0 },
            TestContext.Current.CancellationToken);

        // With --bias 1 being female lowers the approval log-odds by 2, more than one standard deviation of income moves them.
        int gender = explanation.Features.ToList().IndexOf("gender");
        var ranking = explanation.Ranking().ToList();
        Assert.True(ranking.IndexOf(gender) < 3, $"gender ranks {ranking.IndexOf(gender) + 1}");
        var women = Enumerable.Range(0, 1000).Where(r => explanation.FeatureTexts[r][gender] == "female").Select(r => explanation.Shap[r][gender]).ToList();
        var men = Enumerable.Range(0, 1000).Where(r => explanation.FeatureTexts[r][gender] == "male").Select(r => explanation.Shap[r][gender]).ToList();
        Assert.True(women.Average() < -0.5 && men.Average() > 0.5, $"mean SHAP of gender: women {women.Average()}, men {men.Average()}");
    }

    [Fact]
    public async Task OneHotSlots_AreOneFeature_AndMatchTheShapleyDefinitionOnTheModelsOwnTrees()
    {
        var (model, inputs, _) = await TrainedModels.LoadAsync(TrainedModels.CreditAsync("fasttree", "{number_of_trees: 60, number_of_leaves: 16}"));
        var trees = MlNetTreeModel.TryRead(model, inputs.Columns.Select(c => c.Name).ToList())!;
        Assert.Equal(9, trees.Ensemble.FeatureNames.Count);
        Assert.True(trees.SlotCount > 9);
        Assert.Contains("home_ownership", trees.Ensemble.FeatureNames);

        // Exponential brute force over 9 features on a few trees: TreeSHAP must equal the definition exactly.
        var small = new TreeEnsemble(trees.Ensemble.Trees.Take(6).ToList(), trees.Ensemble.Weights.Take(6).ToList(), 0, trees.Ensemble.FeatureNames);
        var vectors = trees.Features(Cairn.Quality.Explain.FrameRows.Slice(inputs, 0, 300));
        small.SetCover(vectors);
        var shap = new TreeShap(small);
        foreach (var x in vectors.Take(5))
        {
            ReferenceVectorTests.AssertClose(TreeBruteForce.Shapley(small, x), shap.Explain(x), 1e-9);
        }
    }

    [Fact]
    public async Task NonTreeModel_AutoFallsBackToKernel_AndTreeIsRefused()
    {
        var (model, inputs, _) = await TrainedModels.LoadAsync(TrainedModels.BostonAsync("sdca", "{}"));
        Assert.Throws<NotSupportedException>(() => ModelExplainer.Explain(model, inputs, null, [0], new ExplainOptions { Method = ExplainMethod.Tree }));

        var explanation = ModelExplainer.Explain(model, inputs, null, [0, 1, 2], new ExplainOptions { Background = 30, DependenceFeatures = 1, GridResolution = 5 },
            TestContext.Current.CancellationToken);
        Assert.Equal("kernel", explanation.Method);
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(explanation.Predictions[r] - explanation.ExpectedValue, explanation.Shap[r].Sum(), 6);
        }

        var dependence = Assert.Single(explanation.Dependence);
        Assert.Equal(5, dependence.Grid.Count);
        Assert.Equal(100, dependence.Ice.Length);
    }
}
