namespace Cairn.Training.Evaluation;

/// <summary>One ROC point: the rates when every example scoring at least <paramref name="Threshold"/> is called positive.</summary>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);

/// <summary>One precision-recall point at <paramref name="Threshold"/>.</summary>
public readonly record struct PrecisionRecallPoint(double Recall, double Precision, double Threshold);
