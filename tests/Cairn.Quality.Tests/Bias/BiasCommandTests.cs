using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Cairn.Training.Datasets;
using Parquet.Serialization;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests.Bias;

/// <summary><c>cairn bias</c> run as a process on files: the reference example through the CLI, reports, and bad input.</summary>
public sealed class BiasCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cairn-bias-cli").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The reference's 20-row example as a CSV: facet column, stratum, label, and the predictions as a column.</summary>
    private string WorkedExampleCsv()
    {
        var csv = new StringBuilder("team,dept,hired,pred\n");
        for (int i = 0; i < WorkedExample.Labels.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{(WorkedExample.Sensitive[i] ? "d" : "a")},{WorkedExample.Depts[i]},{(WorkedExample.Labels[i] ? "yes" : "no")},{(WorkedExample.Predictions[i] ? "yes" : "no")}\n");
        }

        var path = Path.Combine(_folder, "worked.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static double Value(JsonElement report, string section, string code) =>
        report.GetProperty(section).EnumerateArray().Single(m => m.GetProperty("code").GetString() == code).GetProperty("value").GetDouble();

    [Fact]
    public async Task WorkedExample_FromAPredictionColumn_ReportsTheReferenceNumbers()
    {
        var json = Path.Combine(_folder, "bias.json");
        var html = Path.Combine(_folder, "bias.html");

        var (code, stdout, stderr) = await CairnProcess.RunAsync("bias", "-i", WorkedExampleCsv(), "--facet", "team", "--facet-value", "d",
            "--label", "hired", "--positive", "yes", "--predictions", "pred", "--group", "dept", "--json", json, "--html", html);

        Assert.True(code == 0, stderr);
        Assert.Contains("DI", stdout, StringComparison.Ordinal);
        var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(20, report.GetProperty("rows").GetInt32());
        Assert.Equal(0.20833333333333337, Value(report, "pre_training", "DPL"), 1e-12);
        Assert.Equal(0.15619047619047616, Value(report, "pre_training", "CDDL"), 1e-12);
        Assert.Equal(0.75, Value(report, "post_training", "DI"), 1e-12);
        Assert.Equal(-0.11428571428571428, Value(report, "post_training", "CDDPL"), 1e-12);
        Assert.Equal(0.1925207756232686, Value(report, "post_training", "GE"), 1e-12);
        Assert.Equal(0.4666666666666666, Value(report, "group_fairness", "EOR"), 1e-12);
        var frame = report.GetProperty("metric_frame");
        Assert.Equal(0.375, frame.GetProperty("by_group").GetProperty("d").GetProperty("selection_rate").GetDouble(), 1e-12);
        Assert.Equal(0.075, frame.GetProperty("difference").GetProperty("selection_rate").GetProperty("to_overall").GetDouble(), 1e-12);
        Assert.Contains("DI", report.GetProperty("flagged").EnumerateArray().Select(f => f.GetString()));

        // The page is self-contained and its per-group bars carry the frame's numbers.
        var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var svg = XElement.Parse(page[page.IndexOf("<svg", StringComparison.Ordinal)..(page.IndexOf("</svg>", StringComparison.Ordinal) + 6)]);
        var bars = svg.Descendants().Where(e => e.Attribute("class")?.Value == "bar")
            .ToDictionary(e => (e.Attribute("data-metric")!.Value, e.Attribute("data-group")!.Value), e => double.Parse(e.Attribute("data-value")!.Value, CultureInfo.InvariantCulture));
        Assert.Equal(0.5, bars[("selection_rate", "a")]);
        Assert.Equal(0.38, bars[("selection_rate", "d")]);                // 0.375 drawn to 0.01
        Assert.Equal(0.4, bars[("false_positive_rate", "d")]);
    }

    [Fact]
    public async Task LabelsOnly_OnTheCreditData_FindTheInjectedBias_AndNoneWithoutIt()
    {
        async Task<JsonElement> PreTraining(double bias)
        {
            var data = Path.Combine(_folder, $"credit-{bias}.csv");
            await using (var writer = new StreamWriter(data))
            {
                CreditCsv.Write(CreditApplicants.Generate(new CreditApplicantOptions { Rows = 6000, Seed = 11, Bias = bias }), writer);
            }

            var (code, stdout, stderr) = await CairnProcess.RunAsync("bias", "-i", data, "--facet", "gender", "--facet-value", "female", "--label", "approved", "--json", "-");
            Assert.True(code == 0, stderr);
            return JsonDocument.Parse(stdout).RootElement;
        }

        var biased = await PreTraining(1);
        var clean = await PreTraining(0);

        Assert.True(Value(biased, "pre_training", "DPL") > 0.25, $"DPL {Value(biased, "pre_training", "DPL")}");
        Assert.Contains("DPL", biased.GetProperty("flagged").EnumerateArray().Select(f => f.GetString()));
        Assert.True(Math.Abs(Value(clean, "pre_training", "DPL")) < 0.04, $"DPL {Value(clean, "pre_training", "DPL")}");
        Assert.True(Math.Abs(Value(clean, "pre_training", "CI")) < 0.05, $"CI {Value(clean, "pre_training", "CI")}");
        Assert.Empty(clean.GetProperty("flagged").EnumerateArray());
        Assert.Empty(clean.GetProperty("post_training").EnumerateArray());
    }

    [Fact]
    public async Task ParquetInput_GivesTheSameNumbersAsCsv()
    {
        var path = Path.Combine(_folder, "worked.parquet");
        var rows = Enumerable.Range(0, WorkedExample.Labels.Length).Select(i => new WorkedRow
        {
            Team = WorkedExample.Sensitive[i] ? "d" : "a",
            Dept = WorkedExample.Depts[i],
            Hired = WorkedExample.Labels[i],
            Pred = WorkedExample.Predictions[i],
        }).ToList();
        await ParquetSerializer.SerializeAsync(rows, path, cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await CairnProcess.RunAsync("bias", "-i", path, "--facet", "Team", "--facet-value", "d", "--label", "Hired",
            "--predictions", "Pred", "--group", "Dept", "--json", "-");

        Assert.True(code == 0, stderr);
        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0.08879197711770442, Value(report, "pre_training", "KL"), 1e-12);
        Assert.Equal(0.16666666666666674, Value(report, "post_training", "DCAcc"), 1e-12);
        Assert.Equal(-1.0, Value(report, "post_training", "TE"), 1e-12);
    }

    private sealed class WorkedRow
    {
        public string Team { get; set; } = "";

        public string Dept { get; set; } = "";

        public bool Hired { get; set; }

        public bool Pred { get; set; }
    }

    [Theory]
    [InlineData("--facet", "sex", "--facet: no column 'sex' in the data")]
    [InlineData("--facet-value", "z", "--facet-value: 'z' does not occur in column 'team' (values: a, d)")]
    [InlineData("--label", "salary", "--label: no column 'salary' in the data")]
    [InlineData("--positive", "maybe", "--positive: 'maybe' does not occur in column 'hired'")]
    [InlineData("--predictions", "guess", "--predictions: no column 'guess' in the data")]
    [InlineData("--group", "region", "--group: no column 'region' in the data")]
    public async Task BadColumnsAndValues_ExitWithOneClearLine(string option, string value, string message)
    {
        var args = new Dictionary<string, string>
        {
            ["--facet"] = "team", ["--facet-value"] = "d", ["--label"] = "hired", ["--positive"] = "yes", ["--predictions"] = "pred", ["--group"] = "dept",
        };
        args[option] = value;

        var (code, stdout, stderr) = await CairnProcess.RunAsync(["bias", "-i", WorkedExampleCsv(), .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherMistakes_ExitWithAClearMessage()
    {
        var csv = WorkedExampleCsv();
        var cases = new (string[] Args, string Message)[]
        {
            (["-i", Path.Combine(_folder, "missing.csv"), "--facet", "team", "--facet-value", "d", "--label", "hired", "--positive", "yes"], "--input: cannot read"),
            (["-i", csv, "--facet", "team", "--label", "hired", "--positive", "yes"], "--facet-value or --facet-threshold is needed"),
            (["-i", csv, "--facet", "team", "--facet-threshold", "3", "--label", "hired", "--positive", "yes"], "--facet: column 'team' row 1 has 'a', which is not a number"),
            (["-i", csv, "--facet", "team", "--facet-value", "d", "--label", "dept"], "--label: column 'dept' row 1 has 'X', which is not true/false"),
            (["-i", csv, "--facet", "team", "--facet-value", "a", "d", "--label", "hired", "--positive", "yes"], "puts every row of 'team' in the sensitive group"),
            (["-i", csv, "--facet", "team", "--facet-value", "d", "--label", "hired", "--positive", "yes", "-m", Path.Combine(_folder, "no-model")], "--model: cannot load"),
            (["-i", csv, "--facet", "team", "--facet-value", "d", "--label", "hired", "--positive", "yes", "-m", "x", "--predictions", "pred"], "either --model or --predictions"),
        };

        foreach (var (args, message) in cases)
        {
            var (code, _, stderr) = await CairnProcess.RunAsync(["bias", .. args]);
            Assert.True(code == 2, $"{string.Join(' ', args)} exited {code}: {stderr}");
            Assert.Contains(message, stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
    }
}
