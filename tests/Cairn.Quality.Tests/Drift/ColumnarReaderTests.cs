using Cairn.Quality.Drift;
using Parquet.Serialization;

namespace Cairn.Quality.Tests.Drift;

/// <summary>Reading CSV and Parquet into columns: typing, missing markers, quotes, parallel batches and errors.</summary>
public sealed class ColumnarReaderTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cairn-columnar").FullName;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Csv_InfersKinds_ReadsMissingMarkersQuotesAndInfinities()
    {
        var path = Write("a.csv", "x,name,\"note, with comma\"\n1.5,a,\"he said \"\"hi\"\"\"\nNA,b,\"two\nlines\"\n-inf,,x\n1e3,a,?\n");
        var table = await ColumnarReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4, table.RowCount);
        var x = Assert.IsType<NumericColumn>(table["x"]);
        Assert.Equal(1.5, x.Values[0]);
        Assert.True(double.IsNaN(x.Values[1]));
        Assert.True(double.IsNaN(x.Values[2])); // -inf is dropped like a missing value
        Assert.Equal(1000, x.Values[3]);
        var name = Assert.IsType<CategoricalColumn>(table["name"]);
        Assert.Equal([0, 1, -1, 0], name.Codes.ToArray());
        Assert.Equal(["a", "b"], name.Categories);
        var note = Assert.IsType<CategoricalColumn>(table["note, with comma"]);
        Assert.Equal("he said \"hi\"", note.Categories[note.Codes[0]]);
        Assert.Equal("two\nlines", note.Categories[note.Codes[1]]);
        Assert.Equal(-1, note.Codes[3]);
    }

    [Fact]
    public async Task Csv_ManyBatches_KeepsRowsInOrderAndCategoriesInFirstSeenOrder()
    {
        var lines = Enumerable.Range(0, 100_000).Select(i => $"{i * 0.25},c{i % 7},{i % 3}");
        var path = Write("big.csv", "v,c,k\n" + string.Join('\n', lines) + "\n");
        var table = await ColumnarReader.ReadAsync(path, new Dictionary<string, ColumnKind> { ["v"] = ColumnKind.Numeric, ["c"] = ColumnKind.Categorical },
            TestContext.Current.CancellationToken);
        Assert.Equal(2, table.Columns.Count); // k is not asked for
        var v = (NumericColumn)table["v"]!;
        Assert.All(Enumerable.Range(0, 100_000), i => Assert.Equal(i * 0.25, v.Values[i]));
        var c = (CategoricalColumn)table["c"]!;
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"c{i}"), c.Categories);
        Assert.All(Enumerable.Range(0, 100_000), i => Assert.Equal($"c{i % 7}", c.Categories[c.Codes[i]]));
    }

    [Theory]
    [InlineData("0.1")]
    [InlineData("-123456.789012345")]
    [InlineData("0.30000000000000004")]
    [InlineData("1e-300")]
    [InlineData("98765432109876543210")]
    [InlineData("  42  ")]
    public void Numbers_ParseExactlyAsDoubleParse(string text)
    {
        Assert.True(ColumnarReader.TryParseNumber(text, out double value));
        Assert.Equal(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Fact]
    public async Task Errors_NameTheFileColumnAndLine()
    {
        var kinds = new Dictionary<string, ColumnKind> { ["x"] = ColumnKind.Numeric };
        var text = await Assert.ThrowsAsync<DriftInputException>(() => ColumnarReader.ReadAsync(Write("t.csv", "x\n1\nabc\n"), kinds, TestContext.Current.CancellationToken));
        Assert.Contains("column 'x' line 3 has 'abc'", text.Message, StringComparison.Ordinal);
        var ragged = await Assert.ThrowsAsync<DriftInputException>(() => ColumnarReader.ReadAsync(Write("r.csv", "x,y\n1,2\n3\n"), kinds, TestContext.Current.CancellationToken));
        Assert.Contains("line 3 has 1 fields", ragged.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DriftInputException>(() => ColumnarReader.ReadAsync(Write("e.csv", ""), null, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<DriftInputException>(() => ColumnarReader.ReadAsync(Path.Combine(_folder, "none.csv"), null, TestContext.Current.CancellationToken));
    }

    public sealed record Row(double? Income, string? Home);

    [Fact]
    public async Task Parquet_IsReadLikeCsv()
    {
        var path = Path.Combine(_folder, "p.parquet");
        await using (var file = File.Create(path))
        {
            await ParquetSerializer.SerializeAsync(new[] { new Row(50_000, "own"), new Row(null, "rent"), new Row(61_250.5, null) }, file,
                cancellationToken: TestContext.Current.CancellationToken);
        }

        var table = await ColumnarReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        var income = Assert.IsType<NumericColumn>(table["Income"]);
        Assert.Equal(50_000, income.Values[0]);
        Assert.True(double.IsNaN(income.Values[1]));
        Assert.Equal(61_250.5, income.Values[2]);
        var home = Assert.IsType<CategoricalColumn>(table["Home"]);
        Assert.Equal([0, 1, -1], home.Codes.ToArray());
    }
}
