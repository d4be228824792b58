using System.Globalization;
using Cairn.Training.Evaluation;

namespace Cairn.Training.Plots;

/// <summary>A heatmap with actual classes as rows and predicted classes as columns, each cell showing its count.</summary>
internal static class ConfusionMatrixPlot
{
    public static string Render(LabeledConfusionMatrix matrix, string title)
    {
        int n = matrix.Labels.Count;
        if (n == 0)
        {
            throw new ArgumentException("A confusion matrix needs at least one class.");
        }

        double cell = Math.Clamp(420.0 / n, 24, 80);
        double left = 40 + Math.Min(160, 8 * matrix.Labels.Max(l => l.Length)) + 20, top = 60;
        var svg = new SvgDocument(left + cell * n + 40, top + cell * n + 80, title);
        long max = Math.Max(1, matrix.Counts.Max(row => row.Max()));
        var cells = svg.Add(SvgDocument.Element("g", ("class", "cells")));
        for (int row = 0; row < n; row++)
        {
            for (int column = 0; column < n; column++)
            {
                long count = matrix.Counts[row][column];
                double share = (double)count / max;
                double x = left + column * cell, y = top + row * cell;
                cells.Add(SvgDocument.Element(
                    "rect", ("class", "cell"), ("data-row", row), ("data-column", column), ("data-count", count.ToString(CultureInfo.InvariantCulture)),
                    ("x", x), ("y", y), ("width", cell), ("height", cell), ("fill", Blue(share)), ("stroke", "white")));
                cells.Add(SvgDocument.Text(
                    x + cell / 2, y + cell / 2 + 4, count.ToString(CultureInfo.InvariantCulture), "middle", "count",
                    ("fill", share > 0.5 ? "white" : "black")));
            }
        }

        var labels = svg.Add(SvgDocument.Element("g", ("class", "labels")));
        for (int i = 0; i < n; i++)
        {
            labels.Add(SvgDocument.Text(left - 8, top + i * cell + cell / 2 + 4, matrix.Labels[i], "end", "row-label"));
            labels.Add(SvgDocument.Text(left + i * cell + cell / 2, top + n * cell + 18, matrix.Labels[i], "middle", "column-label"));
        }

        labels.Add(SvgDocument.Text(left + n * cell / 2, top + n * cell + 45, "Predicted label", "middle", "axis-title"));
        double middle = top + n * cell / 2;
        labels.Add(SvgDocument.Text(20, middle, "Actual label", "middle", "axis-title", ("transform", $"rotate(-90 20 {SvgDocument.Number(middle)})")));
        return svg.Render();
    }

    /// <summary>White for zero to a full blue for the largest count.</summary>
    private static string Blue(double share)
    {
        int red = (int)Math.Round(247 - share * (247 - 8)), green = (int)Math.Round(251 - share * (251 - 81)), blue = (int)Math.Round(255 - share * (255 - 156));
        return string.Create(CultureInfo.InvariantCulture, $"#{red:x2}{green:x2}{blue:x2}");
    }
}
