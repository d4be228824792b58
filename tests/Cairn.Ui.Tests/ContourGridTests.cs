using System.Globalization;
using System.Text.RegularExpressions;
using Cairn.Server.Features.Ui.Compare;

namespace Cairn.Ui.Tests;

/// <summary>Issue 9's contour: inverse-distance weighting on a grid, cut into ordered colour levels.</summary>
public sealed class ContourGridTests
{
    [Fact]
    public void Issue9_TooFewRunsOrAFlatParam_GiveNoGrid()
    {
        Assert.Null(ContourGrid.Of([(0, 0, 1), (1, 1, 2)]));
        Assert.Null(ContourGrid.Of([(0, 5, 1), (1, 5, 2), (2, 5, 3)]));
    }

    [Fact]
    public void Issue9_Levels_AreEqualWidthBetweenTheLowestAndHighestRun()
    {
        var grid = ContourGrid.Of([(0, 0, 10), (1, 0, 20), (0, 1, 30), (1, 1, 50)])!;

        Assert.Equal(0, grid.Level(10));
        Assert.Equal(ContourGrid.Levels - 1, grid.Level(50));
        Assert.Equal(4, grid.Level(30));
        Assert.Equal((15.0, 20.0), grid.LevelRange(1));
    }

    [Fact]
    public void Issue9_EveryCellIsInExactlyOneLevelPath_LowCornerDarkHighCornerLight()
    {
        // z = x + y on the unit square's corners: the low corner is bottom-left, the high one top-right.
        var grid = ContourGrid.Of([(0, 0, 0), (1, 0, 1), (0, 1, 1), (1, 1, 2)])!;

        // One unit per cell, so each rectangle's corner and width name grid cells directly.
        var paths = grid.Paths(0, 0, ContourGrid.Columns, ContourGrid.Rows);

        Assert.Equal(ContourGrid.Levels, paths.Length);
        var owner = new Dictionary<(int Column, int Top), int>();
        for (var level = 0; level < paths.Length; level++)
        {
            foreach (Match rect in Regex.Matches(paths[level], @"M([\d.]+) ([\d.]+)h([\d.]+)v"))
            {
                var (x, y, width) = (Parse(rect.Groups[1]), Parse(rect.Groups[2]), Parse(rect.Groups[3]) - 0.5);
                for (var column = (int)Math.Round(x); column < (int)Math.Round(x + width); column++)
                {
                    owner.Add((column, (int)Math.Round(y)), level);
                }
            }
        }

        Assert.Equal(ContourGrid.Columns * ContourGrid.Rows, owner.Count);
        Assert.Equal(0, owner[(0, ContourGrid.Rows - 1)]);
        Assert.Equal(ContourGrid.Levels - 1, owner[(ContourGrid.Columns - 1, 0)]);
        // Along the bottom row z grows with x, so the levels never fall from left to right.
        var bottom = Enumerable.Range(0, ContourGrid.Columns).Select(c => owner[(c, ContourGrid.Rows - 1)]).ToList();
        Assert.Equal(bottom.Order(), bottom);
    }

    private static double Parse(Group group) => double.Parse(group.Value, CultureInfo.InvariantCulture);
}
