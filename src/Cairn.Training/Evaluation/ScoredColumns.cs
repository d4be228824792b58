namespace Cairn.Training.Evaluation;

/// <summary>Column names in a scored <c>IDataView</c>; the defaults are the ones ML.NET trainers produce.</summary>
public sealed record ScoredColumns
{
    public string Label { get; init; } = "Label";

    public string Score { get; init; } = "Score";

    /// <summary>Calibrated binary classifiers only; ignored for other tasks.</summary>
    public string Probability { get; init; } = "Probability";

    public string PredictedLabel { get; init; } = "PredictedLabel";

    public static ScoredColumns Default { get; } = new();
}
