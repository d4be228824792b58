namespace Cairn.Quality.Bias;

/// <summary>
/// Clarify's counterfactual flip test (FT): a k-nearest-neighbour classifier (Euclidean, k = 5, or 1 when a has at most
/// 9 rows) fitted on a's numeric features and a's predicted labels stands in for "the model's answer had this applicant
/// been in a". FT = (#{model 1, kNN 0} − #{model 0, kNN 1}) / n_d over the rows of d.
/// </summary>
public static class FlipTest
{
    public static double Compute(IReadOnlyList<double[]> features, IReadOnlyList<bool> predictions, IReadOnlyList<bool> sensitive)
    {
        var a = Enumerable.Range(0, features.Count).Where(i => !sensitive[i]).ToArray();
        var d = Enumerable.Range(0, features.Count).Where(i => sensitive[i]).ToArray();
        if (d.Length == 0)
        {
            return 0;
        }

        if (a.Length == 0)
        {
            throw new ArgumentException("The flip test needs rows outside the facet to learn from; there are none.");
        }

        int k = Math.Min(a.Length <= 9 ? 1 : 5, a.Length);
        int flippedDown = 0, flippedUp = 0;
        var nearest = new (double Distance, int Row)[k];
        foreach (int row in d)
        {
            int filled = 0;
            foreach (int candidate in a)
            {
                double distance = SquaredDistance(features[row], features[candidate]);
                if (filled < k)
                {
                    Insert(nearest, ref filled, (distance, candidate));
                }
                else if (distance < nearest[k - 1].Distance)
                {
                    filled--;
                    Insert(nearest, ref filled, (distance, candidate));
                }
            }

            int votes = 0;
            for (int i = 0; i < k; i++)
            {
                votes += predictions[nearest[i].Row] ? 1 : 0;
            }

            // Majority vote; a tie (only possible with an even k) goes to the negative class, like scikit-learn's smallest label.
            bool counterfactual = 2 * votes > k;
            if (predictions[row] && !counterfactual)
            {
                flippedDown++;
            }
            else if (!predictions[row] && counterfactual)
            {
                flippedUp++;
            }
        }

        return ClarifyMath.Divide(flippedDown - flippedUp, d.Length);
    }

    /// <summary>Keeps the first <paramref name="filled"/> entries sorted by distance, then row (earlier rows win ties).</summary>
    private static void Insert((double Distance, int Row)[] nearest, ref int filled, (double Distance, int Row) entry)
    {
        int position = filled;
        while (position > 0 && nearest[position - 1].Distance > entry.Distance)
        {
            nearest[position] = nearest[position - 1];
            position--;
        }

        nearest[position] = entry;
        filled++;
    }

    private static double SquaredDistance(double[] x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double delta = x[i] - y[i];
            sum += delta * delta;
        }

        return sum;
    }
}
