using System.Globalization;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Cairn.Sdk.Tests.Models;
using Cairn.Serving.Batch;
using Parquet;
using Parquet.Schema;

namespace Cairn.Serving.Tests.Batch;

/// <summary>Batch prediction over real files: chunking, typed parsing, row errors, CSV and Parquet both ways.</summary>
public sealed class BatchPredictionTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-batch").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private static async Task<BatchPredictionResult> RunAsync(Cairn.Models.LoadedModel model, string input, string output, BatchPredictionOptions options, StringWriter? errors = null)
    {
        await using var reader = await BatchPrediction.OpenReaderAsync(input, TestContext.Current.CancellationToken);
        await using var writer = BatchPrediction.CreateWriter(output, BatchPrediction.FormatOf(output));
        return await BatchPrediction.RunAsync(model, reader, writer, errors, options, cancellationToken: TestContext.Current.CancellationToken);
    }

    private static List<string[]> ReadCsv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToList();

    [Fact]
    public async Task MlNetModel_PredictsEveryRowAcrossChunks_ExactlyAsInProcess()
    {
        using var model = await ModelPackage.LoadAsync(await BatchModels.WriteClassifierAsync(_work), TestContext.Current.CancellationToken);
        var input = BatchModels.WriteCsv(Path.Combine(_work, "in.csv"), 2_500, seed: 21);
        var output = Path.Combine(_work, "out.csv");

        var result = await RunAsync(model, input, output, new BatchPredictionOptions { ChunkRows = 1_000, Keep = ["id"] });

        Assert.Equal((2_500L, 2_500L, 0L), (result.RowsRead, result.RowsPredicted, result.RowsFailed));
        var lines = ReadCsv(output);
        Assert.Equal(["row", "id", "PredictedLabel", "Score", "Probability"], lines[0]);
        Assert.Equal(2_501, lines.Count);
        var rows = SyntheticData.Rows(2_500, 21);
        var expected = model.Predict(new Frame(
        [
            Column.Of("X1", rows.Select(r => r.X1).ToArray()),
            Column.Of("X2", rows.Select(r => r.X2).ToArray()),
            Column.Of("X3", rows.Select(r => r.X3).ToArray()),
            Column.Of("X4", rows.Select(r => r.X4).ToArray()),
            Column.Of("Segment", rows.Select(r => (string?)r.Segment).ToArray()),
        ]));
        var probability = (float[])expected["Probability"].Values;
        var label = (bool[])expected["PredictedLabel"].Values;
        for (var i = 0; i < 2_500; i++)
        {
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), lines[i + 1][0]);
            Assert.Equal($"id-{i}", lines[i + 1][1]);
            Assert.Equal(label[i] ? "true" : "false", lines[i + 1][2]);
            Assert.Equal(probability[i], float.Parse(lines[i + 1][4], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task BadRows_AreReportedWithTheirNumbers_AndTheRestArePredicted()
    {
        using var model = await ModelPackage.LoadAsync(await BatchModels.WriteClassifierAsync(_work), TestContext.Current.CancellationToken);
        var input = BatchModels.WriteCsv(Path.Combine(_work, "in.csv"), 100, seed: 3, (i, line) => i switch
        {
            9 => line.Replace(line.Split(',')[2], "abc", StringComparison.Ordinal),
            19 => "id-19,1,2",
            29 => line.Replace(",a", ",\"a, with a comma\"", StringComparison.Ordinal).Replace(",b", ",\"b, with a comma\"", StringComparison.Ordinal).Replace(",c", ",\"c, with a comma\"", StringComparison.Ordinal),
            39 => string.Join(",", line.Split(',').Select((cell, c) => c == 1 ? "" : cell)),
            _ => line,
        });
        var errors = new StringWriter();

        var result = await RunAsync(model, input, Path.Combine(_work, "out.csv"), new BatchPredictionOptions { ChunkRows = 16, Keep = ["id"] }, errors);

        Assert.Equal((100L, 98L, 2L), (result.RowsRead, result.RowsPredicted, result.RowsFailed));
        var report = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,error", report[0]);
        Assert.StartsWith("10,column 'X2': 'abc' is not a float", report[1]);
        Assert.Equal("20,the row has 3 fields; the header has 6", report[2]);
        var predicted = ReadCsv(Path.Combine(_work, "out.csv")).Skip(1).Select(l => l[0]).ToList();
        Assert.DoesNotContain("10", predicted);
        Assert.DoesNotContain("20", predicted);
        Assert.Contains("30", predicted);
        Assert.Contains("40", predicted);
    }

    [Fact]
    public async Task TensorModel_TakesItsFeatureVectorFromColumns_AndWritesParquet()
    {
        using var model = await ModelPackage.LoadAsync(OnnxPackages.WritePythonLayout(_work, "linear"), TestContext.Current.CancellationToken);
        var input = Path.Combine(_work, "in.csv");
        File.WriteAllLines(input, ["key,a,b,c", "\"multi\nline\",1,2,3", "k2,0.5,-1,4", "k3,0,0,0"]);
        var output = Path.Combine(_work, "out.parquet");

        var result = await RunAsync(model, input, output, new BatchPredictionOptions { Keep = ["key"] });

        Assert.Equal(3L, result.RowsPredicted);
        var table = await ReadParquetAsync(output);
        Assert.Equal(["row", "key", "variable_0", "variable_1"], table.Keys);
        Assert.Equal([1L, 2L, 3L], table["row"].Cast<long>());
        Assert.Equal(["multi\nline", "k2", "k3"], table["key"].Cast<string>());
        float[][] x = [[1, 2, 3], [0.5f, -1, 4], [0, 0, 0]];
        for (var r = 0; r < 3; r++)
        {
            for (var o = 0; o < 2; o++)
            {
                var expected = OnnxPackages.Bias[o];
                for (var i = 0; i < 3; i++)
                {
                    expected += x[r][i] * OnnxPackages.Weights[i, o];
                }

                Assert.Equal(expected, (float)table[$"variable_{o}"][r]!, 5);
            }
        }
    }

    [Fact]
    public async Task ParquetInput_IsReadRowGroupByRowGroup_AndMatchesTheCsvAnswer()
    {
        using var model = await ModelPackage.LoadAsync(await BatchModels.WriteClassifierAsync(_work), TestContext.Current.CancellationToken);
        var rows = SyntheticData.Rows(300, 13);
        var parquet = Path.Combine(_work, "in.parquet");
        var fields = new DataField[]
        {
            new DataField<string>("id"), new DataField<double>("X1"), new DataField<double?>("X2"), new DataField<double>("X3"),
            new DataField<double>("X4"), new DataField<string>("Segment"),
        };
        await using (var file = File.Create(parquet))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file, cancellationToken: TestContext.Current.CancellationToken))
        {
            foreach (var group in rows.Select((r, i) => (r, i)).Chunk(120))
            {
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync(fields[0], group.Select(g => $"id-{g.i}").ToArray(), null);
                await rowGroup.WriteAsync(fields[1], (ReadOnlyMemory<double>)group.Select(g => (double)g.r.X1).ToArray(), null, null, TestContext.Current.CancellationToken);
                await rowGroup.WriteAsync(fields[2], (ReadOnlyMemory<double?>)group.Select(g => (double?)g.r.X2).ToArray(), null, null, TestContext.Current.CancellationToken);
                await rowGroup.WriteAsync(fields[3], (ReadOnlyMemory<double>)group.Select(g => (double)g.r.X3).ToArray(), null, null, TestContext.Current.CancellationToken);
                await rowGroup.WriteAsync(fields[4], (ReadOnlyMemory<double>)group.Select(g => (double)g.r.X4).ToArray(), null, null, TestContext.Current.CancellationToken);
                await rowGroup.WriteAsync(fields[5], group.Select(g => g.r.Segment).ToArray(), null);
            }
        }

        var csv = BatchModels.WriteCsv(Path.Combine(_work, "in.csv"), 300, seed: 13);

        var fromParquet = await RunAsync(model, parquet, Path.Combine(_work, "a.csv"), new BatchPredictionOptions { ChunkRows = 50, Keep = ["id"] });
        await RunAsync(model, csv, Path.Combine(_work, "b.csv"), new BatchPredictionOptions { Keep = ["id"] });

        Assert.Equal(300L, fromParquet.RowsPredicted);
        Assert.Equal(File.ReadAllText(Path.Combine(_work, "b.csv")), File.ReadAllText(Path.Combine(_work, "a.csv")));
    }

    [Fact]
    public async Task AMissingModelColumn_IsRefusedBeforeAnyRowIsRead()
    {
        using var model = await ModelPackage.LoadAsync(await BatchModels.WriteClassifierAsync(_work), TestContext.Current.CancellationToken);

        var error = Assert.Throws<ArgumentException>(() => BatchInputPlan.For(model, ["id", "X1", "X2", "X4", "Segment"]));

        Assert.Contains("lacks column the model needs: 'X3'", error.Message);
    }

    [Fact]
    public async Task ATensorModel_NamesTheWidthItNeeds()
    {
        using var model = await ModelPackage.LoadAsync(OnnxPackages.WritePythonLayout(_work, "linear"), TestContext.Current.CancellationToken);

        var error = Assert.Throws<ArgumentException>(() => BatchInputPlan.For(model, ["id", "a", "b", "c"]));

        Assert.Contains("takes 3 features per row; 4 columns were given", error.Message);
        Assert.Contains("--features", error.Message);
        Assert.Equal(["a", "b", "c"], BatchInputPlan.For(model, ["id", "a", "b", "c"], keep: ["id"]).Fields.Select(f => f.Name));
    }

    private static async Task<Dictionary<string, List<object?>>> ReadParquetAsync(string path)
    {
        await using var file = File.OpenRead(path);
        var result = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(file, cancellationToken: TestContext.Current.CancellationToken);
        var names = result.Schema.GetDataFields().Select(f => f.Name).ToList();
        return names.ToDictionary(n => n, n => result.Data.Select(row => row.TryGetValue(n, out var v) ? v : null).ToList());
    }
}
