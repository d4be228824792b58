namespace Cairn.Training.Explain;

/// <summary>How much the metric dropped when one raw input column was shuffled: mean and standard deviation over repeats.</summary>
public sealed record FeatureImportance(string Column, double MeanDrop, double StdDrop, IReadOnlyList<double> Drops);
