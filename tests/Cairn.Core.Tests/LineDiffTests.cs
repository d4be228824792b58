using Cairn.Core.Text;

namespace Cairn.Core.Tests;

public sealed class LineDiffTests
{
    private static string Render(IReadOnlyList<DiffLine> lines) =>
        string.Join("\n", lines.Select(l => (l.Kind switch { DiffKind.Same => " ", DiffKind.Removed => "-", _ => "+" }) + l.Text));

    [Fact]
    public void Compute_ChangedValue_IsOneRemovalAndOneAddition()
    {
        var diff = LineDiff.Compute(["lr: 0.1", "depth: 6", "seed: 1"], ["lr: 0.1", "depth: 8", "seed: 1"], 100)!;

        Assert.Equal(" lr: 0.1\n-depth: 6\n+depth: 8\n seed: 1", Render(diff));
        Assert.Equal((2, (int?)null), (diff[1].LeftNumber!.Value, diff[1].RightNumber));
        Assert.Equal(((int?)null, 2), (diff[2].LeftNumber, diff[2].RightNumber!.Value));
    }

    [Fact]
    public void Compute_IsAShortestEditScript()
    {
        // The classic example from Myers' paper: ABCABBA → CBABAC takes 5 edits.
        string[] a = ["A", "B", "C", "A", "B", "B", "A"];
        string[] b = ["C", "B", "A", "B", "A", "C"];

        var diff = LineDiff.Compute(a, b, 100)!;

        Assert.Equal(5, diff.Count(l => l.Kind != DiffKind.Same));
        Assert.Equal(a, diff.Where(l => l.Kind != DiffKind.Added).Select(l => l.Text));
        Assert.Equal(b, diff.Where(l => l.Kind != DiffKind.Removed).Select(l => l.Text));
    }

    [Fact]
    public void Compute_RandomTexts_ReproduceBothSides()
    {
        var random = new Random(7);
        for (var round = 0; round < 50; round++)
        {
            var a = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(0, 6).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var b = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(0, 6).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

            var diff = LineDiff.Compute(a, b, 1_000)!;

            Assert.Equal(a, diff.Where(l => l.Kind != DiffKind.Added).Select(l => l.Text));
            Assert.Equal(b, diff.Where(l => l.Kind != DiffKind.Removed).Select(l => l.Text));
        }
    }

    [Fact]
    public void Compute_PastTheEditCap_ReturnsNull()
    {
        var a = Enumerable.Range(0, 100).Select(i => $"a{i}").ToArray();
        var b = Enumerable.Range(0, 100).Select(i => $"b{i}").ToArray();

        Assert.Null(LineDiff.Compute(a, b, 50));
        Assert.NotNull(LineDiff.Compute(a, b, 200));
    }

    [Fact]
    public void Hunks_KeepThreeLinesOfContextAndNumberBothSides()
    {
        var a = Enumerable.Range(1, 20).Select(i => $"line {i}").ToArray();
        var b = a.Select(l => l == "line 10" ? "line ten" : l).ToArray();

        var hunk = Assert.Single(LineDiff.Hunks(LineDiff.Compute(a, b, 100)!));

        Assert.Equal("@@ -7,7 +7,7 @@", hunk.Header);
        Assert.Equal(8, hunk.Lines.Count);
    }

    [Fact]
    public void Hunks_OfIdenticalTexts_AreNone() =>
        Assert.Empty(LineDiff.Hunks(LineDiff.Compute(["a", "b"], ["a", "b"], 10)!));
}
