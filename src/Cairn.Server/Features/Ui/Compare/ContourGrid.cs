using System.Globalization;
using System.Text;

namespace Cairn.Server.Features.Ui.Compare;

/// <summary>
/// A metric over two params, interpolated from scattered runs onto a regular grid by inverse-distance weighting
/// (Shepard's method, power 2) and cut into equal-width colour levels. Distances are measured after scaling both params
/// to 0..1, so a param in thousands does not drown one in thousandths. A grid point on a run takes that run's value.
/// </summary>
internal sealed class ContourGrid
{
    public const int Columns = 48;
    public const int Rows = 32;
    public const int Levels = 8;
    private const double Power = 2;

    private readonly double[,] _values = new double[Columns, Rows];

    private ContourGrid(double xMin, double xMax, double yMin, double yMax, double zMin, double zMax) =>
        (XMin, XMax, YMin, YMax, ZMin, ZMax) = (xMin, xMax, yMin, yMax, zMin, zMax);

    public double XMin { get; }

    public double XMax { get; }

    public double YMin { get; }

    public double YMax { get; }

    public double ZMin { get; }

    public double ZMax { get; }

    /// <summary>The grid for the runs' (x, y, z) values; null with fewer than three runs or when x or y never varies.</summary>
    public static ContourGrid? Of(IReadOnlyList<(double X, double Y, double Z)> points)
    {
        if (points.Count < 3)
        {
            return null;
        }

        var (xMin, xMax) = (points.Min(p => p.X), points.Max(p => p.X));
        var (yMin, yMax) = (points.Min(p => p.Y), points.Max(p => p.Y));
        if (xMax <= xMin || yMax <= yMin)
        {
            return null;
        }

        var grid = new ContourGrid(xMin, xMax, yMin, yMax, points.Min(p => p.Z), points.Max(p => p.Z));
        var scaled = points.Select(p => ((p.X - xMin) / (xMax - xMin), (p.Y - yMin) / (yMax - yMin), p.Z)).ToArray();
        for (var c = 0; c < Columns; c++)
        {
            for (var r = 0; r < Rows; r++)
            {
                grid._values[c, r] = Interpolate(scaled, (c + 0.5) / Columns, (r + 0.5) / Rows);
            }
        }

        return grid;
    }

    /// <summary>The colour level (0 = lowest) of a value: equal-width bands between the lowest and highest run.</summary>
    public int Level(double z) => ZMax > ZMin ? Math.Clamp((int)((z - ZMin) / (ZMax - ZMin) * Levels), 0, Levels - 1) : 0;

    public (double Low, double High) LevelRange(int level) =>
        (ZMin + (ZMax - ZMin) * level / Levels, ZMin + (ZMax - ZMin) * (level + 1) / Levels);

    /// <summary>
    /// One SVG path per level: the grid cells of that level, neighbouring cells in a row merged into one rectangle.
    /// Rows run bottom (low y) to top; <paramref name="left"/>/<paramref name="top"/> place the grid's corner.
    /// </summary>
    public string[] Paths(double left, double top, double width, double height)
    {
        var paths = Enumerable.Range(0, Levels).Select(_ => new StringBuilder()).ToArray();
        var (cellWidth, cellHeight) = (width / Columns, height / Rows);
        for (var r = 0; r < Rows; r++)
        {
            var y = top + (Rows - 1 - r) * cellHeight;
            var c = 0;
            while (c < Columns)
            {
                var level = Level(_values[c, r]);
                var start = c;
                while (c < Columns && Level(_values[c, r]) == level)
                {
                    c++;
                }

                // A hair of overlap hides the seams anti-aliasing would draw between neighbouring rectangles.
                paths[level].Append(CultureInfo.InvariantCulture,
                    $"M{PlotScale.Px(left + start * cellWidth)} {PlotScale.Px(y)}h{PlotScale.Px((c - start) * cellWidth + 0.5)}v{PlotScale.Px(cellHeight + 0.5)}h{PlotScale.Px(-(c - start) * cellWidth - 0.5)}Z");
            }
        }

        return [.. paths.Select(p => p.ToString())];
    }

    private static double Interpolate((double X, double Y, double Z)[] points, double x, double y)
    {
        double weights = 0, sum = 0;
        foreach (var p in points)
        {
            var d2 = (p.X - x) * (p.X - x) + (p.Y - y) * (p.Y - y);
            if (d2 < 1e-18)
            {
                return p.Z;
            }

            var w = 1 / Math.Pow(d2, Power / 2);
            (weights, sum) = (weights + w, sum + w * p.Z);
        }

        return sum / weights;
    }
}
