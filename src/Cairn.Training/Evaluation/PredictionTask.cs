namespace Cairn.Training.Evaluation;

/// <summary>The kind of model being evaluated; decides which metrics, curves and importance score apply.</summary>
public enum PredictionTask
{
    BinaryClassification,
    MulticlassClassification,
    Regression,
}
