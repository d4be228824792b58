namespace Cairn.Training.Evaluation;

/// <summary>Cross-entropy in nats, with probabilities clipped as scikit-learn does so a confident miss stays finite.</summary>
internal static class LogLoss
{
    private const double Epsilon = 1e-15;

    public static double Binary(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        double total = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            total -= Math.Log(Clip(labels[i] ? probabilities[i] : 1 - probabilities[i]));
        }

        return total / labels.Count;
    }

    public static double OfTrueClass(IEnumerable<double> trueClassProbabilities)
    {
        double total = 0;
        long count = 0;
        foreach (double p in trueClassProbabilities)
        {
            total -= Math.Log(Clip(p));
            count++;
        }

        return count == 0 ? double.NaN : total / count;
    }

    private static double Clip(double p) => Math.Clamp(p, Epsilon, 1 - Epsilon);
}
