namespace Cairn.Training.Evaluation;

/// <summary>
/// Counts of examples by actual class (row) and predicted class (column), in the order of <see cref="Labels"/>.
/// </summary>
public sealed record LabeledConfusionMatrix(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<long>> Counts)
{
    public long Total => Counts.Sum(row => row.Sum());

    public long Correct => Enumerable.Range(0, Labels.Count).Sum(i => Counts[i][i]);

    /// <summary>Precision of class <paramref name="index"/>; 0 when nothing was predicted as it.</summary>
    public double Precision(int index)
    {
        long predicted = Counts.Sum(row => row[index]);
        return predicted == 0 ? 0 : (double)Counts[index][index] / predicted;
    }

    /// <summary>Recall of class <paramref name="index"/>; 0 when the class never occurs.</summary>
    public double Recall(int index)
    {
        long actual = Counts[index].Sum();
        return actual == 0 ? 0 : (double)Counts[index][index] / actual;
    }

    public double F1(int index)
    {
        double precision = Precision(index), recall = Recall(index);
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    internal static LabeledConfusionMatrix FromPairs(IReadOnlyList<string> labels, IEnumerable<(int Actual, int Predicted)> pairs)
    {
        var counts = new long[labels.Count][];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = new long[labels.Count];
        }

        foreach (var (actual, predicted) in pairs)
        {
            counts[actual][predicted]++;
        }

        return new LabeledConfusionMatrix(labels, counts);
    }
}
