using Cairn.Training.Evaluation;
using Microsoft.ML;

namespace Cairn.Training.Autolog;

/// <summary>What <see cref="MlNetAutolog.FitAndLogAsync"/> logs besides the trainer and its options.</summary>
public sealed record MlNetAutologOptions
{
    public required PredictionTask Task { get; init; }

    /// <summary>Rows the model is evaluated on; without them metrics are computed on the training rows, prefixed <c>training_</c>.</summary>
    public IDataView? ValidationData { get; init; }

    /// <summary>The dataset name recorded with the run's inputs.</summary>
    public string DatasetName { get; init; } = "dataset";

    /// <summary>The label as the input data names it (default: the trainer's label column); never a model input.</summary>
    public string? LabelColumn { get; init; }

    public bool Plots { get; init; } = true;

    /// <summary>Permutation importance repeats on at most <see cref="MlNetAutolog.ImportanceRowLimit"/> rows; 0 turns it off.</summary>
    public int FeatureImportanceRepeats { get; init; } = 3;

    public int Seed { get; init; }

    public bool LogModel { get; init; } = true;

    public string? RegisteredModelName { get; init; }
}
