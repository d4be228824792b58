namespace Cairn.Training.Evaluation;

/// <summary>ROC and precision-recall curves from scores and true labels, one point per distinct score.</summary>
public static class Curves
{
    /// <summary>Starts at (0,0) and ends at (1,1); tied scores move the curve in one diagonal step, as AUC's tie rule expects.</summary>
    public static IReadOnlyList<RocPoint> Roc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (positives, negatives, steps) = Sweep(scores, labels);
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("A ROC curve needs both positive and negative examples.");
        }

        var points = new List<RocPoint>(steps.Count + 1) { new(0, 0, double.PositiveInfinity) };
        points.AddRange(steps.Select(s => new RocPoint((double)s.FalsePositives / negatives, (double)s.TruePositives / positives, s.Threshold)));
        return points;
    }

    /// <summary>Starts at recall 0 with precision 1 (as scikit-learn does) and ends at recall 1.</summary>
    public static IReadOnlyList<PrecisionRecallPoint> PrecisionRecall(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (positives, _, steps) = Sweep(scores, labels);
        if (positives == 0)
        {
            throw new ArgumentException("A precision-recall curve needs at least one positive example.");
        }

        var points = new List<PrecisionRecallPoint>(steps.Count + 1) { new(0, 1, double.PositiveInfinity) };
        points.AddRange(steps.Select(s => new PrecisionRecallPoint(
            (double)s.TruePositives / positives, (double)s.TruePositives / (s.TruePositives + s.FalsePositives), s.Threshold)));
        return points;
    }

    /// <summary>Trapezoidal area under a curve given as (x, y) points in order of increasing x.</summary>
    public static double Area(IEnumerable<(double X, double Y)> points)
    {
        double area = 0;
        (double X, double Y)? previous = null;
        foreach (var point in points)
        {
            if (previous is { } p)
            {
                area += (point.X - p.X) * (point.Y + p.Y) / 2;
            }

            previous = point;
        }

        return area;
    }

    public static double Area(IEnumerable<RocPoint> roc) => Area(roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)));

    public static double Area(IEnumerable<PrecisionRecallPoint> curve) => Area(curve.Select(p => (p.Recall, p.Precision)));

    private static (long Positives, long Negatives, List<(long TruePositives, long FalsePositives, double Threshold)> Steps) Sweep(
        IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count)
        {
            throw new ArgumentException($"Got {scores.Count} scores for {labels.Count} labels.");
        }

        if (scores.Any(double.IsNaN))
        {
            throw new ArgumentException("Scores must not be NaN.");
        }

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var steps = new List<(long, long, double)>();
        long truePositives = 0, falsePositives = 0;
        for (int i = 0; i < order.Length; i++)
        {
            if (labels[order[i]])
            {
                truePositives++;
            }
            else
            {
                falsePositives++;
            }

            // One point per distinct score: all tied examples switch to positive together.
            if (i == order.Length - 1 || scores[order[i + 1]] != scores[order[i]])
            {
                steps.Add((truePositives, falsePositives, scores[order[i]]));
            }
        }

        return (truePositives, falsePositives, steps);
    }
}
