namespace Cairn.Quality.Bias;

/// <summary>
/// Label, prediction and confusion counts of one side of a facet (the advantaged rows a, or the disadvantaged rows d).
/// Predicted counts are zero when there are no predictions.
/// </summary>
public sealed record GroupCounts(int Rows, int LabelPositive, int PredictedPositive, int TruePositive, int FalsePositive, int FalseNegative, int TrueNegative)
{
    public int LabelNegative => Rows - LabelPositive;

    public int PredictedNegative => Rows - PredictedPositive;

    /// <summary>q = n⁽¹⁾ / n.</summary>
    public double LabelPositiveRate => ClarifyMath.Divide(LabelPositive, Rows);

    /// <summary>q̂ = n̂⁽¹⁾ / n.</summary>
    public double PredictedPositiveRate => ClarifyMath.Divide(PredictedPositive, Rows);

    public static GroupCounts Of(IReadOnlyList<bool> labels, IReadOnlyList<bool>? predictions, IReadOnlyList<bool> sensitive, bool side)
    {
        int rows = 0, labelPositive = 0, predictedPositive = 0, tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (sensitive[i] != side)
            {
                continue;
            }

            rows++;
            bool y = labels[i];
            labelPositive += y ? 1 : 0;
            if (predictions is null)
            {
                continue;
            }

            bool p = predictions[i];
            predictedPositive += p ? 1 : 0;
            if (y && p)
            {
                tp++;
            }
            else if (!y && p)
            {
                fp++;
            }
            else if (y)
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return new GroupCounts(rows, labelPositive, predictedPositive, tp, fp, fn, tn);
    }
}

/// <summary>The two sides of a facet: a = rows outside the selected facet values, d = rows inside them.</summary>
public sealed record FacetCounts(GroupCounts A, GroupCounts D)
{
    public static FacetCounts Of(IReadOnlyList<bool> labels, IReadOnlyList<bool>? predictions, IReadOnlyList<bool> sensitive) =>
        new(GroupCounts.Of(labels, predictions, sensitive, side: false), GroupCounts.Of(labels, predictions, sensitive, side: true));
}
