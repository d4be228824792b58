namespace Cairn.Quality.Explain;

/// <summary>Dense linear solves for the small systems Kernel SHAP builds (one unknown per feature).</summary>
internal static class LinearSystem
{
    /// <summary>
    /// Solves A·x = b by Gaussian elimination with partial pivoting. A singular system (a feature no sampled coalition
    /// separates from another) is solved with a tiny ridge instead, which gives the minimum-norm answer in the limit.
    /// </summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        double scale = 0;
        for (int i = 0; i < n; i++)
        {
            scale = Math.Max(scale, Math.Abs(a[i, i]));
        }

        return TrySolve(a, b, 0) ?? TrySolve(a, b, Math.Max(scale, 1) * 1e-10)!;
    }

    private static double[]? TrySolve(double[,] source, double[] rhs, double ridge)
    {
        int n = rhs.Length;
        var a = (double[,])source.Clone();
        var b = (double[])rhs.Clone();
        double largest = 0;
        for (int i = 0; i < n; i++)
        {
            a[i, i] += ridge;
            for (int j = 0; j < n; j++)
            {
                largest = Math.Max(largest, Math.Abs(a[i, j]));
            }
        }

        for (int column = 0; column < n; column++)
        {
            int pivot = column;
            for (int r = column + 1; r < n; r++)
            {
                if (Math.Abs(a[r, column]) > Math.Abs(a[pivot, column]))
                {
                    pivot = r;
                }
            }

            if (Math.Abs(a[pivot, column]) <= largest * 1e-13)
            {
                return null;
            }

            if (pivot != column)
            {
                for (int j = 0; j < n; j++)
                {
                    (a[column, j], a[pivot, j]) = (a[pivot, j], a[column, j]);
                }

                (b[column], b[pivot]) = (b[pivot], b[column]);
            }

            for (int r = column + 1; r < n; r++)
            {
                double factor = a[r, column] / a[column, column];
                if (factor == 0)
                {
                    continue;
                }

                for (int j = column; j < n; j++)
                {
                    a[r, j] -= factor * a[column, j];
                }

                b[r] -= factor * b[column];
            }
        }

        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int j = r + 1; j < n; j++)
            {
                sum -= a[r, j] * x[j];
            }

            x[r] = sum / a[r, r];
        }

        return x;
    }
}
