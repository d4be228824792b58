using Cairn.Training.Evaluation;
using Cairn.Training.Jobs;

namespace Cairn.Training.Tests.Jobs;

/// <summary>The job spec is checked as a whole before any data is read: every problem is named, with its key.</summary>
public sealed class TrainingSpecReaderTests
{
    private static TrainingSpecException Problems(string yaml) =>
        Assert.Throws<TrainingSpecException>(() => TrainingSpecReader.Parse(yaml, "/data"));

    [Fact]
    public void AFullSpec_IsReadWithEveryValue()
    {
        var spec = TrainingSpecReader.Parse("""
            name: first
            experiment: credit
            task: binary
            data:
              path: credit.csv
              label: approved
              separator: ";"
              features: [age, {name: gender, type: categorical}, {name: note, type: text}, {name: owner, type: bool}]
              positive_class: "yes"
            split: {k_folds: 4, seed: 9}
            trainer:
              name: fasttree
              hyperparameters: {number_of_trees: 50, learning_rate: 0.1}
            metrics: [roc_auc, f1_score]
            register_as: credit
            plots: false
            feature_importance: {repeats: 7}
            """, "/data");

        Assert.Equal("first", spec.RunName);
        Assert.Equal("credit", spec.Experiment);
        Assert.Equal(PredictionTask.BinaryClassification, spec.Task);
        Assert.Equal(';', spec.Data.Separator);
        Assert.Equal("yes", spec.Data.PositiveClass);
        Assert.Equal(
            [new FeatureSpec("age", FeatureKind.Numeric), new FeatureSpec("gender", FeatureKind.Categorical),
             new FeatureSpec("note", FeatureKind.Text), new FeatureSpec("owner", FeatureKind.Boolean)],
            spec.Data.Features!);
        Assert.Equal(new SplitSpec(0.2, 4, 9), spec.Split);
        Assert.True(spec.Split.IsCrossValidation);
        Assert.Equal(50L, spec.Trainer.Hyperparameters["number_of_trees"]);
        Assert.Equal(["roc_auc", "f1_score"], spec.Metrics);
        Assert.Equal("credit", spec.RegisterAs);
        Assert.False(spec.Plots);
        Assert.Equal(7, spec.FeatureImportanceRepeats);
        Assert.Equal("/data", spec.BaseDirectory);
    }

    [Fact]
    public void AMinimalSpec_TakesTheDocumentedDefaults()
    {
        var spec = TrainingSpecReader.Parse("""
            task: regression
            data: {path: houses.parquet, label: price}
            trainer: {name: lightgbm}
            """, "/data");

        Assert.Equal("Default", spec.Experiment);
        Assert.Equal("parquet", spec.Data.Format);
        Assert.True(spec.Data.Header);
        Assert.Null(spec.Data.Features);
        Assert.Equal(new SplitSpec(0.2, 0, 0), spec.Split);
        Assert.True(spec.Plots);
        Assert.Equal(3, spec.FeatureImportanceRepeats);
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce_WithItsKey()
    {
        var error = Problems("""
            task: binary
            colour: blue
            data:
              path: x.csv
              header: false
              sep: ","
            split: {validation_fraction: 1.5, k_folds: 1}
            trainer:
              name: fasttree
              hyperparameters: {number_of_trees: "many", no_such_option: 3}
            metrics: [roc_auc, r2_score]
            """);

        Assert.Contains(error.Problems, p => p.StartsWith("colour: unknown key", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("data.sep: unknown key", StringComparison.Ordinal));
        Assert.Contains("data.label: required.", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("data.columns:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("split.validation_fraction: must be between 0 and 1", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("split.k_folds: must be between 2 and 20", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("trainer.hyperparameters.number_of_trees:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("trainer.hyperparameters.no_such_option:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("metrics: 'r2_score' is not a binary metric", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("task: clustering\ndata: {path: x.csv, label: y}\ntrainer: {name: sdca}", "task: 'clustering' is not one of binary, multiclass, regression.")]
    [InlineData("task: binary\ndata: {path: x.csv, label: y}\ntrainer: {name: xgboost}", "trainer.name: 'xgboost' is not a trainer")]
    [InlineData("task: binary\ndata: {path: x.csv, label: y}", "trainer: required.")]
    [InlineData("task: binary\ndata: {path: x.csv, label: y, format: xlsx}\ntrainer: {name: sdca}", "data.format: 'xlsx' is not csv or parquet.")]
    [InlineData("task: binary\ndata: {path: x.csv, label: y}\nsplit: {validation_fraction: 0.3, k_folds: 5}\ntrainer: {name: sdca}", "split: give validation_fraction or k_folds, not both.")]
    [InlineData("task: binary\ndata: {path: x.csv, label: y, features: [a, a]}\ntrainer: {name: sdca}", "data.features: 'a' is listed twice.")]
    [InlineData("task: binary\ndata: {path: x.csv, label: y, features: [{name: a, type: image}]}\ntrainer: {name: sdca}", "data.features[0].type: 'image' is not one of")]
    [InlineData("task: binary\ndata: {path: x.csv, label: y}\ntrainer: {name: sdca}\nfeature_importance: {repeats: 500}", "feature_importance.repeats: must be between 1 and 50.")]
    [InlineData("- just\n- a list", "The spec must be a YAML mapping")]
    [InlineData("task: [binary", "The spec is not valid YAML")]
    public void ABadSpec_NamesWhatIsWrong(string yaml, string expected)
    {
        var error = Problems(yaml);

        Assert.Contains(error.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingFile_IsNamed()
    {
        var error = Assert.Throws<TrainingSpecException>(() => TrainingSpecReader.ReadFile("/no/such/job.yaml"));

        Assert.Contains("/no/such/job.yaml", error.Message, StringComparison.Ordinal);
    }
}
