using System.Text.Json.Serialization;
using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;
using Cairn.Quality.Payloads;
using Parquet.Serialization;

namespace Cairn.Quality.Tests.Payloads;

/// <summary>Payload files other than the server's own JSONL, time windows, and reading predictions against a baseline's label.</summary>
public sealed class PayloadLogTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cairn-payload-log").FullName;

    private static readonly DateTime Noon = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private sealed class ParquetPayload
    {
        [JsonPropertyName("timestamp")] public DateTime Timestamp { get; init; }
        [JsonPropertyName("model")] public string Model { get; init; } = "credit";
        [JsonPropertyName("version")] public string Version { get; init; } = "3";
        [JsonPropertyName("request_id")] public string RequestId { get; init; } = "r";
        [JsonPropertyName("income")] public double? Income { get; init; }
        [JsonPropertyName("home_ownership")] public string? HomeOwnership { get; init; }
        [JsonPropertyName("prediction_PredictedLabel")] public bool Predicted { get; init; }
        [JsonPropertyName("prediction_Score")] public float Score { get; init; }
    }

    private async Task<string> WriteParquetAsync(string name, IEnumerable<ParquetPayload> rows)
    {
        var path = Path.Combine(_folder, name);
        await using var file = File.Create(path);
        await ParquetSerializer.SerializeAsync(rows, file, cancellationToken: TestContext.Current.CancellationToken);
        return path;
    }

    [Fact]
    public async Task ParquetPayloads_FeatureColumnsByName_AreFilteredByTime_AndPredictionsMatchTheLabelsSpelling()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new ParquetPayload
        {
            Timestamp = Noon.AddMinutes(i * 3),
            Income = i == 5 ? null : 1000 * i,
            HomeOwnership = i % 2 == 0 ? "own" : "rent",
            Predicted = i % 4 == 0,
            Score = i,
        });
        var path = await WriteParquetAsync("payloads.parquet", rows);

        // Minutes 30 to 90: rows 10 to 29.
        var window = new PayloadWindow(new DateTimeOffset(Noon.AddMinutes(30)), new DateTimeOffset(Noon.AddMinutes(90)));
        Assert.True(PayloadLog.IsPayloadPath(path, window));
        Assert.False(PayloadLog.IsPayloadPath(path, PayloadWindow.All)); // a Parquet file alone is a plain data file
        var batch = await PayloadLog.ReadAsync(path, window, TestContext.Current.CancellationToken);
        Assert.Equal(20, batch.Rows.Count);
        Assert.Equal("credit", batch.Model);
        Assert.Equal(["3"], batch.Versions);
        Assert.Equal(["income", "home_ownership"], batch.InputNames);
        Assert.Equal(["PredictedLabel", "Score"], batch.OutputNames);
        Assert.Equal(new DateTimeOffset(Noon.AddMinutes(30)), batch.First);

        var train = Path.Combine(_folder, "train.csv");
        await File.WriteAllLinesAsync(train, ["income,home_ownership,approved", .. Enumerable.Range(0, 60).Select(i => $"{500 * i},{(i % 3 == 0 ? "own" : "rent")},{(i % 2 == 0 ? "True" : "False")}")],
            TestContext.Current.CancellationToken);
        var baseline = await BaselineBuilder.FromFileAsync(train, "approved", cancellationToken: TestContext.Current.CancellationToken);
        var inputs = PayloadLog.Inputs(batch, baseline);
        Assert.Equal(Enumerable.Range(10, 20).Select(i => 1000.0 * i), ((NumericColumn)inputs["income"]!).Values.ToArray());

        // Predicted "true"/"false" are compared with the baseline's "True"/"False", not counted as unseen categories.
        var prediction = PredictionDrift.Compare(batch, baseline, new DriftOptions(), null)!;
        Assert.Equal("PredictedLabel", prediction.Column);
        Assert.Equal(PredictionDrift.Role, prediction.Role);
        Assert.Equal(["False", "True"], prediction.Histogram.Labels);
        Assert.Equal([15L, 5L], prediction.Histogram.Current);
        Assert.Equal("Score", PredictionDrift.ChooseColumn(batch, baseline, "Score"));
        Assert.Throws<DriftInputException>(() => PredictionDrift.ChooseColumn(batch, baseline, "Probability"));
    }

    [Fact]
    public async Task AWindowWithoutRecords_IsAnErrorThatSaysWhatWasRead()
    {
        var path = await WriteParquetAsync("p.parquet", [new ParquetPayload { Timestamp = Noon, Income = 1 }]);
        var error = await Assert.ThrowsAsync<DriftInputException>(() =>
            PayloadLog.ReadAsync(path, new PayloadWindow(Until: new DateTimeOffset(Noon)), TestContext.Current.CancellationToken));
        Assert.Contains("No predicted rows", error.Message, StringComparison.Ordinal);
        Assert.Contains("until 2026-11-23 12:00:00Z", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("m/2026-11-23/payloads-12.jsonl", "2026-11-23T12:59:59Z", "2026-11-24", true)]
    [InlineData("m/2026-11-23/payloads-12.jsonl", "2026-11-23T13:00Z", null, false)]
    [InlineData("m/2026-11-23/payloads-12.jsonl", null, "2026-11-23T12:00Z", false)]
    [InlineData("m/2026-11-23/payloads-12.jsonl", null, "2026-11-23T12:00:01Z", true)]
    [InlineData("m/other/payloads-12.jsonl", "2030-01-01", null, true)] // not the server's layout: opened and filtered by record
    public void HourlyFiles_OutsideTheWindow_AreNotOpened(string file, string? since, string? until, bool opened)
    {
        var window = new PayloadWindow(since is null ? null : DateTimeOffset.Parse(since, System.Globalization.CultureInfo.InvariantCulture),
            until is null ? null : DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(opened, PayloadLog.MayOverlap(file, window));
    }

    [Fact]
    public void Times_AreIsoOrAnAge()
    {
        var now = new FixedTime(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(now.GetUtcNow().AddHours(-24), PayloadLog.ParseTime("24h", now));
        Assert.Equal(now.GetUtcNow().AddDays(-7), PayloadLog.ParseTime("7d", now));
        Assert.Equal(now.GetUtcNow().AddMinutes(-90), PayloadLog.ParseTime("90m", now));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), PayloadLog.ParseTime("2026-11-20", now));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero), PayloadLog.ParseTime("2026-11-20T10:00+02:00", now));
        Assert.Throws<DriftInputException>(() => PayloadLog.ParseTime("yesterday", now));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
