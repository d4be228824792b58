using Cairn.Quality.Bias;

namespace Cairn.Quality.Tests.Bias;

/// <summary>The 20-row example of the responsible-AI reference (§4): 12 rows in a, 8 in d, strata X and Y.</summary>
internal static class WorkedExample
{
    public static readonly int[] LabelsA = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    public static readonly int[] PredictedA = [1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    public static readonly string[] DeptA = ["X", "X", "X", "X", "Y", "Y", "Y", "X", "X", "Y", "Y", "Y"];
    public static readonly int[] LabelsD = [1, 1, 1, 0, 0, 0, 0, 0];
    public static readonly int[] PredictedD = [1, 0, 0, 1, 1, 0, 0, 0];
    public static readonly string[] DeptD = ["X", "Y", "Y", "X", "Y", "Y", "Y", "Y"];

    public static bool[] Sensitive => [.. LabelsA.Select(_ => false), .. LabelsD.Select(_ => true)];

    public static bool[] Labels => [.. LabelsA.Concat(LabelsD).Select(v => v == 1)];

    public static bool[] Predictions => [.. PredictedA.Concat(PredictedD).Select(v => v == 1)];

    public static string[] Depts => [.. DeptA, .. DeptD];

    public static BiasData Data => new()
    {
        Sensitive = Sensitive,
        Labels = Labels,
        LabelValues = [.. LabelsA.Concat(LabelsD).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        Predictions = Predictions,
        Groups = Depts,
    };
}
