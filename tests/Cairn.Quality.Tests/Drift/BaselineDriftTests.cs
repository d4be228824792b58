using System.Text.Json.Nodes;
using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;
using static Cairn.Quality.Tests.Drift.WorkedExampleTests;

namespace Cairn.Quality.Tests.Drift;

/// <summary>Baselines with frozen bins and the drift calculator on them: properties, agreement with the reference numbers, JSON.</summary>
public sealed class BaselineDriftTests
{
    private static ColumnarTable Table(params DataColumn[] columns) => new(columns);

    private static NumericColumn Numbers(string name, IEnumerable<double> values) => new(name, values.ToArray());

    private static CategoricalColumn Labels(string name, IEnumerable<string> values) => CategoricalColumn.FromValues(name, values.Cast<string?>().ToList());

    private static string[] Repeat(params (string Value, int Count)[] parts) =>
        parts.SelectMany(p => Enumerable.Repeat(p.Value, p.Count)).ToArray();

    private static ColumnarTable RandomTable(int seed, int rows, double shift = 0)
    {
        var random = new Random(seed);
        string[] colours = ["red", "green", "blue", "black"];
        return Table(
            Numbers("x", Enumerable.Range(0, rows).Select(_ => KolmogorovSmirnovTests.Normal(random) + shift)),
            Numbers("count", Enumerable.Range(0, rows).Select(_ => (double)random.Next(4))),
            Labels("colour", Enumerable.Range(0, rows).Select(_ => colours[random.Next(colours.Length)])));
    }

    [Fact]
    public void Psi_OfIdenticalSamples_IsZero_ForRawSharesAndOnFrozenBins()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            // Shares with zeros in them: the zero fill is the same on both sides, so every term vanishes.
            var counts = Enumerable.Range(0, 12).Select(_ => random.Next(3) == 0 ? 0L : random.Next(1, 1000)).ToArray();
            if (counts.Sum() == 0)
            {
                continue;
            }

            var shares = Binning.Shares(counts, counts.Sum());
            Assert.Equal(0, Divergences.PsiFilled(shares, shares));
            Assert.Equal(0, Divergences.JensenShannonDistance(shares, shares));
        }

        foreach (int rows in new[] { 300, 5000 })
        {
            var table = RandomTable(1, rows);
            var report = DriftCalculator.Compare(BaselineBuilder.Build(table), table);
            Assert.All(report.Columns, c =>
            {
                Assert.Equal(0, c.Metrics["psi"]);
                Assert.False(c.Drifted, c.Column);
            });
            Assert.False(report.Summary.DatasetDrift);
        }

        var ks = DriftCalculator.Compare(BaselineBuilder.Build(RandomTable(1, 300)), RandomTable(1, 300), new DriftOptions { Columns = ["x"] }).Columns[0];
        Assert.Equal("ks", ks.Method);
        Assert.Equal(0, ks.Statistic);
        Assert.Equal(1, ks.PValue);
    }

    [Fact]
    public void ExactBaseline_ReproducesTheReferenceKsAndWasserstein()
    {
        // §3.3 through a baseline: the reference distribution of 100 distinct values is stored exactly.
        var baseline = BaselineBuilder.Build(Table(Numbers("v", Enumerable.Range(0, 100).Select(i => (double)i))));
        var current = Table(Numbers("v", Enumerable.Range(20, 100).Select(i => (double)i)));
        var ks = DriftCalculator.Compare(baseline, current).Columns[0];
        Assert.Equal("ks", ks.Method);
        Near(0.2, ks.Statistic);
        Near(0.03638428787491733, ks.PValue!.Value);
        Assert.True(ks.Drifted);
        Near(0.692854966641995, ks.Metrics["wasserstein_normed"]);

        var w = DriftCalculator.Compare(baseline, current, new DriftOptions { Method = DriftMethod.Wasserstein }).Columns[0];
        Near(0.692854966641995, w.Statistic);
        Assert.Null(w.PValue);
    }

    [Fact]
    public void Categorical_ChiSquareAndPsi_MatchTheReference_AndUnseenCategoriesAreNoted()
    {
        var baseline = BaselineBuilder.Build(Table(Labels("c", Repeat(("A", 40), ("B", 30), ("C", 20), ("D", 10)))));
        var column = DriftCalculator.Compare(baseline, Table(Labels("c", Repeat(("A", 25), ("B", 25), ("C", 30), ("D", 20))))).Columns[0];
        Assert.Equal("chisquare", column.Method);
        Near(21.458333333333332, column.Statistic);
        Near(8.45479929815712e-05, column.PValue!.Value);
        Near(0.189477851093369, column.Metrics["psi"]);
        Assert.True(column.Drifted);

        var missing = BaselineBuilder.Build(Table(Labels("c", Repeat(("A", 50), ("B", 30), ("C", 20)))));
        var psi = DriftCalculator.Compare(missing, Table(Labels("c", Repeat(("A", 60), ("B", 40)))), new DriftOptions { Method = DriftMethod.Psi }).Columns[0];
        Near(1.566420764587036, psi.Statistic);

        var unseen = DriftCalculator.Compare(missing, Table(Labels("c", Repeat(("A", 60), ("E", 40))))).Columns[0];
        Assert.Contains(unseen.Notes, n => n.Contains("not seen in the baseline", StringComparison.Ordinal) && n.Contains('E'));
        Assert.Equal(double.PositiveInfinity, unseen.Statistic);
        Assert.Equal(0, unseen.PValue);
    }

    [Fact]
    public void Bins_AreFrozen_LaterDataOutsideTheRangeGoesToOpenBins()
    {
        var baseline = BaselineBuilder.Build(Table(Numbers("v", Enumerable.Range(0, 1000).Select(i => i / 10.0))));
        var bins = baseline.Columns[0].Bins!;
        Assert.Equal("sturges", bins.Rule);
        Assert.Equal(Binning.SturgesEdges(0, 99.9, 1000), bins.Edges);
        Assert.Equal(1000, bins.Counts.Sum());

        // A current batch with a different range: the edges stay the baseline's; the excess is counted below and above.
        var report = DriftCalculator.Compare(baseline, Table(Numbers("v", Enumerable.Range(-100, 1300).Select(i => i / 10.0))), new DriftOptions { Method = DriftMethod.Psi });
        var histogram = report.Columns[0].Histogram;
        Assert.Equal(bins.Edges, histogram.Edges);
        Assert.Equal(100, histogram.CurrentBelow);
        Assert.Equal(200, histogram.CurrentAbove);
        Assert.Equal(1000, histogram.Current.Sum());
        Assert.Contains(report.Columns[0].Notes, n => n.Contains("outside the baseline range", StringComparison.Ordinal));
        Assert.True(report.Columns[0].Drifted);
    }

    [Fact]
    public async Task Json_RoundTripsExactly_AndUnknownSchemaVersionsAreRefused()
    {
        var baseline = BaselineBuilder.Build(RandomTable(3, 20_000), label: "colour");
        var folder = Directory.CreateTempSubdirectory("cairn-baseline").FullName;
        var path = Path.Combine(folder, "baseline.json");
        await baseline.SaveAsync(path, TestContext.Current.CancellationToken);

        var read = await Baseline.LoadAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(1, read.SchemaVersion);
        Assert.Equal("cairn.baseline", read.Format);
        Assert.Equal("colour", read.Label);
        Assert.Equal(baseline.Column("x")!.Bins!.Edges, read.Column("x")!.Bins!.Edges);
        Assert.Equal(baseline.Column("x")!.Stats!.Std, read.Column("x")!.Stats!.Std);
        Assert.Equal(BaselineColumn.LabelRole, read.Column("colour")!.Role);
        var current = RandomTable(4, 20_000, shift: 0.5);
        Assert.Equal(WithoutTime(DriftCalculator.Compare(baseline, current).ToJson()), WithoutTime(DriftCalculator.Compare(read, current).ToJson()));

        var json = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!;
        json["schema_version"] = 2;
        await File.WriteAllTextAsync(path, json.ToJsonString(), TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<DriftInputException>(() => Baseline.LoadAsync(path, TestContext.Current.CancellationToken));
        Assert.Contains("schema version 2", error.Message, StringComparison.Ordinal);
    }

    private static string WithoutTime(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("created_at");
        return node.ToJsonString();
    }

    [Fact]
    public void ManyDistinctValues_AreSummarisedByQuantilePoints_CloseToTheExactAnswer()
    {
        var random = new Random(5);
        var reference = Enumerable.Range(0, 200_000).Select(_ => KolmogorovSmirnovTests.Normal(random)).ToArray();
        var current = Enumerable.Range(0, 50_000).Select(_ => KolmogorovSmirnovTests.Normal(random) * 1.1 + 0.05).ToArray();
        var baseline = BaselineBuilder.Build(Table(Numbers("v", reference)));
        var distribution = baseline.Columns[0].Distribution!;
        Assert.False(distribution.Exact);
        Assert.True(distribution.Values.Count <= 5000);
        Assert.Equal(200_000, distribution.Counts.Sum());

        var column = DriftCalculator.Compare(baseline, Table(Numbers("v", current))).Columns[0];
        Assert.Equal("wasserstein", column.Method);
        double exact = Wasserstein.Normed(reference, current);
        Assert.True(Math.Abs(column.Statistic - exact) < 1e-3, $"summary {column.Statistic}, exact {exact}");
        var ks = DriftCalculator.Compare(baseline, Table(Numbers("v", current)), new DriftOptions { Method = DriftMethod.Ks }).Columns[0];
        Assert.True(Math.Abs(ks.Statistic - KolmogorovSmirnov.Statistic(reference, current)) <= 1.0 / 5000 + 1e-12);
    }

    [Fact]
    public void Problems_AreReportedAsInputErrors()
    {
        var baseline = BaselineBuilder.Build(RandomTable(1, 100));
        var missing = Assert.Throws<DriftInputException>(() => DriftCalculator.Compare(baseline, Table(Numbers("x", [1, 2, 3]))));
        Assert.Contains("'count'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'colour'", missing.Message, StringComparison.Ordinal);

        var mismatched = Table(Labels("x", ["a", "b"]), Numbers("count", [1, 2]), Labels("colour", ["red", "red"]));
        Assert.Contains("numeric in the baseline but categorical", Assert.Throws<DriftInputException>(() => DriftCalculator.Compare(baseline, mismatched)).Message,
            StringComparison.Ordinal);

        var empty = Table(Numbers("x", [double.NaN, double.NaN]), Numbers("count", [1, 2]), Labels("colour", ["red", "red"]));
        Assert.Contains("no values in the current data", Assert.Throws<DriftInputException>(() => DriftCalculator.Compare(baseline, empty)).Message,
            StringComparison.Ordinal);

        var wrongMethod = new DriftOptions { Method = DriftMethod.Ks };
        Assert.Contains("needs numbers", Assert.Throws<DriftInputException>(() => DriftCalculator.Compare(baseline, RandomTable(2, 100), wrongMethod)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMethod_RunsOnEveryColumnItApplies()
    {
        var baseline = BaselineBuilder.Build(RandomTable(1, 3000));
        var current = RandomTable(2, 2000, shift: 1);
        foreach (var method in DriftMethod.All)
        {
            var columns = method.Categorical ? (string[])["x", "count", "colour"] : ["x", "count"];
            var report = DriftCalculator.Compare(baseline, current, new DriftOptions { Method = method, Columns = columns, Permutations = 50 });
            Assert.All(report.Columns, c =>
            {
                Assert.Equal(method.Name, c.Method);
                Assert.True(double.IsFinite(c.Statistic) || method == DriftMethod.ChiSquare, $"{method.Name} {c.Column} {c.Statistic}");
                Assert.Equal(method.Score == ScoreKind.PValue, c.PValue is not null);
            });
            if (method != DriftMethod.Z)
            {
                // z compares one bin against the rest, which says little about a continuous column.
                Assert.True(report.Columns.Single(c => c.Column == "x").Drifted, method.Name);
            }
        }
    }

    [Fact]
    public void ManyUnseenCategories_AreAllTested_ButTheReportHistogramIsCapped()
    {
        var baseline = BaselineBuilder.Build(Table(Labels("id", Repeat(("a", 50), ("b", 50)))));
        var current = Table(Labels("id", Enumerable.Range(0, 3000).Select(i => $"id{i}")));
        var column = DriftCalculator.Compare(baseline, current).Columns[0];
        Assert.Equal("chisquare", column.Method);
        Assert.True(column.Drifted);
        Assert.Equal(DriftCalculator.MaxHistogramCategories, column.Histogram.Labels.Count);
        Assert.Equal(3000, column.Histogram.Current.Sum());
        Assert.Equal(100, column.Histogram.Reference.Sum());
        Assert.Contains("3000 categories not seen in the baseline", column.Notes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void HistogramPlot_DrawsEveryFrozenEdge_AndBothSamplesAsShares()
    {
        var baseline = BaselineBuilder.Build(Table(Numbers("v", Enumerable.Range(0, 1000).Select(i => i / 10.0)), Labels("c", Repeat(("a", 600), ("b", 400)))));
        var report = DriftCalculator.Compare(baseline, Table(Numbers("v", Enumerable.Range(0, 1000).Select(i => i / 10.0 + 5)), Labels("c", Repeat(("a", 300), ("b", 700)))));
        var numeric = System.Xml.Linq.XDocument.Parse(DriftHistogramPlot.Render(report.Columns[0]));
        var ns = (System.Xml.Linq.XNamespace)"http://www.w3.org/2000/svg";
        var edges = baseline.Columns[0].Bins!.Edges;
        Assert.Equal(edges.Count, numeric.Descendants(ns + "line").Count(l => (string?)l.Attribute("class") == "frozen-edge"));
        var current = numeric.Descendants(ns + "rect").Where(r => ((string?)r.Attribute("class"))?.StartsWith("bin current", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(edges.Count, current.Count); // every frozen bin plus the open bin above the range
        Assert.Equal(1.0, current.Sum(r => double.Parse((string)r.Attribute("data-share")!, System.Globalization.CultureInfo.InvariantCulture)), 9);

        var categorical = System.Xml.Linq.XDocument.Parse(DriftHistogramPlot.Render(report.Columns[1]));
        var shares = categorical.Descendants(ns + "rect").Where(r => (string?)r.Attribute("class") == "category current")
            .ToDictionary(r => (string)r.Attribute("data-category")!, r => double.Parse((string)r.Attribute("data-share")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.3, shares["a"], 12);
        Assert.Equal(0.7, shares["b"], 12);
    }
}
