using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Cairn.Quality.Tests.Explain;
using Cairn.Training.Datasets;
using Cairn.Training.Tests.Support;

namespace Cairn.Quality.Tests.Payloads;

/// <summary>
/// Issue 11: a baseline compared with the payload log a real <c>cairn serve --payload-log</c> process wrote. One model
/// folder is served under two names; one gets applicants from the training distribution, the other applicants with
/// income down and debt-to-income up by 1.5 SD, in every request format the server takes (MLflow split, records and CSV,
/// Open Inference Protocol), plus a refused request.
/// </summary>
public sealed class ServedPayloadDriftTests : IDisposable
{
    private static readonly string[] Injected = ["debt_to_income", "income", "loan_amount"];
    private readonly string _work = Directory.CreateTempSubdirectory("cairn-payload-drift").FullName;

    public void Dispose() => Directory.Delete(_work, true);

    private string File(string name) => Path.Combine(_work, name);

    private static JsonElement Json(string path) => JsonDocument.Parse(System.IO.File.ReadAllText(path)).RootElement;

    private static HashSet<string> Drifted(JsonElement report) =>
        report.GetProperty("columns").EnumerateArray().Where(c => c.GetProperty("drifted").GetBoolean()).Select(c => c.GetProperty("column").GetString()!).ToHashSet();

    /// <summary>The JSONL log keeps every request, refused ones too; the Parquet log keeps the rows that were scored.</summary>
    [Theory]
    [InlineData("jsonl", 1)]
    [InlineData("parquet", 0)]
    public async Task Issue11_PayloadLogOfARealServer_DriftedTrafficAndItsPredictionsAreFlagged_CleanTrafficIsNot(string format, int failedRequests)
    {
        var model = await TrainedModels.CreditAsync("fasttree", "{number_of_trees: 60, number_of_leaves: 16}");
        var baseline = await CairnProcess.RunAsync("baseline", "create", "-i", TrainedModels.CreditCsvPath, "--label", "approved", "-o", File("baseline.json"));
        Assert.True(baseline.ExitCode == 0, baseline.Stderr);

        var payloads = File("payloads");
        await ServeAsync(model, payloads, format, async http =>
        {
            await SendAsync(http, "clean", Applicants(1200, seed: 21, drift: 0));
            await SendAsync(http, "drifted", Applicants(1200, seed: 22, drift: 1.5));
        });

        var files = Directory.GetFiles(payloads, "*." + format, SearchOption.AllDirectories);
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}drifted{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        var drifted = await CairnProcess.RunAsync("drift", "-b", File("baseline.json"), "-c", Path.Combine(payloads, "drifted"), "--since", "2h",
            "--json", File("drifted.json"), "--html", File("drifted.html"));
        Assert.True(drifted.ExitCode == 0, drifted.Stderr);
        var report = Json(File("drifted.json"));
        Assert.Equal(Injected, Drifted(report).Order(StringComparer.Ordinal));
        var summary = report.GetProperty("payloads");
        Assert.Equal("drifted", summary.GetProperty("model").GetString());
        Assert.Equal(1200, summary.GetProperty("rows").GetInt64());
        Assert.Equal(failedRequests, summary.GetProperty("failed_requests").GetInt64()); // the refused request, where logged
        Assert.Equal(0, summary.GetProperty("unreadable_responses").GetInt64());
        var prediction = report.GetProperty("prediction");
        Assert.Equal("PredictedLabel", prediction.GetProperty("column").GetString());
        Assert.Equal("prediction", prediction.GetProperty("role").GetString());
        Assert.True(prediction.GetProperty("drifted").GetBoolean(), prediction.ToString()); // lower incomes: fewer approvals
        Assert.Contains("(prediction)", drifted.Stdout, StringComparison.Ordinal);
        var html = await System.IO.File.ReadAllTextAsync(File("drifted.html"), TestContext.Current.CancellationToken);
        Assert.Contains("Predictions (prediction drift)", html, StringComparison.Ordinal);
        Assert.Contains("Payload records", html, StringComparison.Ordinal);

        var clean = await CairnProcess.RunAsync("drift", "-b", File("baseline.json"), "-c", Path.Combine(payloads, "clean"), "--json", File("clean.json"));
        Assert.True(clean.ExitCode == 0, clean.Stderr);
        var cleanReport = Json(File("clean.json"));
        Assert.Empty(Drifted(cleanReport));
        Assert.False(cleanReport.GetProperty("prediction").GetProperty("drifted").GetBoolean(), cleanReport.GetProperty("prediction").ToString());
        Assert.Equal(1200, cleanReport.GetProperty("payloads").GetProperty("rows").GetInt64());

        // One hourly file read directly gives the same rows when the traffic fitted in one hour.
        var cleanFiles = files.Where(f => f.Contains($"{Path.DirectorySeparatorChar}clean{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        if (cleanFiles.Count == 1)
        {
            // A Parquet file on its own is read as plain data; a time window marks it as a payload log.
            string[] window = format == "parquet" ? ["--since", "2h"] : [];
            string[] arguments = ["drift", "-b", File("baseline.json"), "-c", cleanFiles[0], .. window, "--json", File("single.json"), "-q"];
            var single = await CairnProcess.RunAsync(arguments);
            Assert.True(single.ExitCode == 0, single.Stderr);
            Assert.Equal(1200, Json(File("single.json")).GetProperty("payloads").GetProperty("rows").GetInt64());
        }

        // A window with no traffic, and a folder holding two models, are refused with exit code 2 and a reason.
        var empty = await CairnProcess.RunAsync("drift", "-b", File("baseline.json"), "-c", Path.Combine(payloads, "drifted"), "--until", "2000-01-01");
        Assert.Equal((2, true), (empty.ExitCode, empty.Stderr.Contains("No predicted rows", StringComparison.Ordinal)));
        var both = await CairnProcess.RunAsync("drift", "-b", File("baseline.json"), "-c", payloads);
        Assert.Equal((2, true), (both.ExitCode, both.Stderr.Contains("several models", StringComparison.Ordinal)));
        var output = await CairnProcess.RunAsync("drift", "-b", File("baseline.json"), "-c", Path.Combine(payloads, "clean"), "--prediction-column", "Nope");
        Assert.Equal((2, true), (output.ExitCode, output.Stderr.Contains("PredictedLabel", StringComparison.Ordinal)));
    }

    private static List<CreditApplicant> Applicants(int rows, int seed, double drift) =>
        CreditApplicants.Generate(new CreditApplicantOptions { Rows = rows, Seed = seed, Drift = drift }).ToList();

    /// <summary>A quarter of the rows in each request format, 100 rows a request, and one request the model refuses.</summary>
    private static async Task SendAsync(HttpClient http, string name, List<CreditApplicant> applicants)
    {
        var chunks = applicants.Chunk(100).ToList();
        for (int i = 0; i < chunks.Count; i++)
        {
            var (path, body, type) = (i % 4) switch
            {
                0 => ($"/models/{name}/invocations", JsonSerializer.Serialize(new { dataframe_split = new { columns = Columns, data = chunks[i].Select(Cells) } }), "application/json"),
                1 => ($"/models/{name}/invocations", JsonSerializer.Serialize(new { dataframe_records = chunks[i].Select(a => Columns.Zip(Cells(a)).ToDictionary(p => p.First, p => p.Second)) }), "application/json"),
                2 => ($"/models/{name}/invocations", Csv(chunks[i]), "text/csv"),
                _ => ($"/v2/models/{name}/infer", Oip(chunks[i]), "application/json"),
            };
            using var content = new StringContent(body, Encoding.UTF8, type);
            using var response = await http.PostAsync(path, content, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} ({i % 4}): {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        using var refused = new StringContent("""{"dataframe_split": {"columns": ["age"], "data": [[30]]}}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync($"/models/{name}/invocations", refused, TestContext.Current.CancellationToken)).StatusCode);
    }

    private static readonly string[] Columns = [.. CreditCsv.Columns.Where(c => c != "approved")];

    private static object[] Cells(CreditApplicant a) =>
        [a.Age, a.Income, a.DebtToIncome, a.CreditHistoryYears, a.NumLatePayments, a.EmploymentYears, a.LoanAmount, a.HomeOwnership, a.Gender];

    private static string Csv(IEnumerable<CreditApplicant> applicants) =>
        string.Join(',', Columns) + "\n" + string.Concat(applicants.Select(a =>
            string.Join(',', Cells(a).Select(c => Convert.ToString(c, CultureInfo.InvariantCulture))) + "\n"));

    private static string Oip(CreditApplicant[] applicants) => JsonSerializer.Serialize(new
    {
        inputs = Columns.Select((name, c) => c >= 7
            ? new { name, shape = new[] { applicants.Length }, datatype = "BYTES", data = (object)applicants.Select(a => (string)Cells(a)[c]).ToArray() }
            : new { name, shape = new[] { applicants.Length, 1 }, datatype = "FP32", data = (object)applicants.Select(a => Convert.ToDouble(Cells(a)[c], CultureInfo.InvariantCulture)).ToArray() }),
    });

    /// <summary>Runs <c>cairn serve</c> on the model under two names with a payload log, then stops it with SIGTERM (which drains the log).</summary>
    private static async Task ServeAsync(string model, string payloads, string format, Func<HttpClient, Task> traffic)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "cairn.dll"), "serve", "-m", $"clean={model}", "-m", $"drifted={model}", "--port", "0", "--payload-log", payloads, "--payload-log-format", format })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("CAIRN_TRACKING_URI");
        start.Environment.Remove("MLFLOW_TRACKING_URI");
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        try
        {
            Uri? address = null;
            while (address is null && await process.StandardError.ReadLineAsync(TestContext.Current.CancellationToken).AsTask()
                .WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken) is { } line)
            {
                log.AppendLine(line);
                int at = line.IndexOf(" on http://", StringComparison.Ordinal);
                address = line.StartsWith("Serving ", StringComparison.Ordinal) && at > 0 ? new Uri(line[(at + 4)..].Trim()) : null;
            }

            Assert.True(address is not null, "cairn serve ended before listening:\n" + log);
            using (var http = new HttpClient { BaseAddress = address })
            {
                await traffic(http);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
