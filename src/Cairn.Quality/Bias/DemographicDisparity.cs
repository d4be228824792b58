namespace Cairn.Quality.Bias;

/// <summary>
/// Conditional demographic disparity: DD_i = n_d⁽⁰⁾_i / n⁽⁰⁾_i − n_d⁽¹⁾_i / n⁽¹⁾_i per stratum i (the share of rejections
/// that falls on d minus the share of acceptances that does), averaged with the stratum sizes as weights.
/// </summary>
public static class DemographicDisparity
{
    /// <summary>One stratum's disparity and size, for reports.</summary>
    public sealed record Stratum(string Group, int Rows, double Disparity);

    public static double Conditional(IReadOnlyList<bool> outcomes, IReadOnlyList<bool> sensitive, IReadOnlyList<string> groups)
    {
        var strata = ByStratum(outcomes, sensitive, groups);
        double weighted = strata.Sum(s => s.Rows * s.Disparity);
        return ClarifyMath.Divide(weighted, strata.Sum(s => s.Rows));
    }

    /// <summary>
    /// The disparity of each stratum. A stratum without accepted (or rejected) rows contributes 0 for that share; a data
    /// set without any positive or any negative outcome has no disparity to measure and is refused.
    /// </summary>
    public static IReadOnlyList<Stratum> ByStratum(IReadOnlyList<bool> outcomes, IReadOnlyList<bool> sensitive, IReadOnlyList<string> groups)
    {
        if (outcomes.Count != sensitive.Count || outcomes.Count != groups.Count)
        {
            throw new ArgumentException("Outcomes, facet membership and groups must have one value per row.");
        }

        if (!outcomes.Contains(true) || !outcomes.Contains(false))
        {
            throw new ArgumentException("Conditional demographic disparity needs both positive and negative outcomes; every row has the same one.");
        }

        var cells = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        for (int i = 0; i < outcomes.Count; i++)
        {
            if (!cells.TryGetValue(groups[i], out var cell))
            {
                // rows, rejected, rejected in d, accepted, accepted in d
                cells[groups[i]] = cell = new int[5];
            }

            cell[0]++;
            int offset = outcomes[i] ? 3 : 1;
            cell[offset]++;
            cell[offset + 1] += sensitive[i] ? 1 : 0;
        }

        return [.. cells.Select(c => new Stratum(c.Key, c.Value[0], ClarifyMath.Divide(c.Value[2], c.Value[1]) - ClarifyMath.Divide(c.Value[4], c.Value[3])))];
    }
}
