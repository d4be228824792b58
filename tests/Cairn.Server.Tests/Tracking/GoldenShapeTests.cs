using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Tracking;

/// <summary>
/// Pins the exact MLflow wire shape of each tracking route against golden files in <c>Golden/</c>.
/// Ids and server clock times are replaced by placeholders; everything else must match byte for byte.
/// Set CAIRN_UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.
/// </summary>
public class GoldenShapeTests(CairnServer server) : IClassFixture<CairnServer>
{
    private static readonly string[] ServerClockFields = ["creation_time", "last_update_time", "creation_timestamp", "last_updated_timestamp"];
    private readonly MlflowHttp _client = server.Client;

    [Fact]
    public async Task TrackingRoutes_MatchGoldenFiles()
    {
        var name = "golden-" + Guid.NewGuid().ToString("N");
        var experimentId = (await _client.OkAsync("experiments/create", new { name, tags = new[] { new { key = "team", value = "ml" } } })).Json["experiment_id"]!.GetValue<string>();
        var created = await _client.OkAsync("runs/create", new
        {
            experiment_id = experimentId,
            user_id = "ada",
            run_name = "golden-run",
            start_time = 1_700_000_000_000,
            tags = new[] { new { key = "mlflow.source.type", value = "LOCAL" } },
        });
        var runId = created.Json["run"]!["info"]!["run_id"]!.GetValue<string>();
        await _client.OkAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new object[]
            {
                new { key = "loss", value = 0.5, timestamp = 1_700_000_000_100, step = 0 },
                new { key = "loss", value = 0.25, timestamp = 1_700_000_000_200, step = 1 },
                new { key = "nan", value = "NaN", timestamp = 1_700_000_000_300, step = 0 },
            },
            @params = new[] { new { key = "lr", value = "0.1" } },
        });
        await _client.OkAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[]
            {
                new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset = new { name = "iris", digest = "d41d8cd9", source_type = "local", source = "{\"uri\": \"iris.csv\"}", schema = "{\"mlflow_colspec\": []}", profile = "{\"num_rows\": 150}" } },
            },
        });
        using (await _client.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/model/MLmodel", new StringContent("x"), TestContext.Current.CancellationToken))
        {
        }

        var replies = new Dictionary<string, Reply>
        {
            ["experiments-create"] = await _client.OkAsync("experiments/create", new { name = name + "-2" }),
            ["experiments-get"] = await _client.OkGetAsync($"experiments/get?experiment_id={experimentId}"),
            ["experiments-search"] = await _client.OkAsync("experiments/search", new { max_results = 1, filter = $"name = '{name}'" }),
            ["runs-create"] = created,
            ["runs-get"] = await _client.OkGetAsync($"runs/get?run_id={runId}"),
            ["runs-update"] = await _client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 1_700_000_001_000 }),
            ["runs-search"] = await _client.OkAsync("runs/search", new { experiment_ids = new[] { experimentId }, max_results = 1, filter = "metrics.loss < 1" }),
            ["runs-log-metric"] = await _client.OkAsync("runs/log-metric", new { run_id = runId, key = "acc", value = 0.9, timestamp = 1_700_000_000_400 }),
            ["metrics-get-history"] = await _client.OkGetAsync($"metrics/get-history?run_id={runId}&metric_key=loss"),
            ["metrics-get-history-bulk-interval"] = await _client.OkGetAsync($"metrics/get-history-bulk-interval?run_ids={runId}&metric_key=loss"),
            ["artifacts-list"] = await _client.OkGetAsync($"artifacts/list?run_id={runId}&path=model"),
            ["mlflow-artifacts-list"] = await _client.OkGetAsync($"artifacts?path={experimentId}/{runId}/artifacts", "/api/2.0/mlflow-artifacts/"),
            ["error-not-found"] = await _client.GetAsync("runs/get?run_id=00000000000000000000000000000000"),
        };

        var experimentId2 = replies["experiments-create"].Json["experiment_id"]!.GetValue<string>();
        await CompareAsync(replies, (runId, "<run_id>"), (experimentId2, "<experiment_id_2>"), (experimentId, "<experiment_id>"), (name, "<name>"));
    }

    [Fact]
    public async Task RegistryRoutes_MatchGoldenFiles()
    {
        var name = "golden-model-" + Guid.NewGuid().ToString("N");
        var experimentId = await _client.CreateExperimentAsync();
        var runId = await _client.CreateRunAsync(experimentId);
        var replies = new Dictionary<string, Reply>
        {
            ["registered-models-create"] = await _client.OkAsync("registered-models/create", new { name, description = "d", tags = new[] { new { key = "team", value = "ml" } } }),
            ["model-versions-create"] = await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", tags = new[] { new { key = "k", value = "v" } } }),
        };
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "1" });
        replies["model-versions-transition-stage"] = await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" });
        replies["registered-models-get"] = await _client.OkGetAsync($"registered-models/get?name={name}");
        replies["registered-models-search"] = await _client.OkGetAsync($"registered-models/search?filter={Uri.EscapeDataString($"name = '{name}'")}");
        replies["model-versions-search"] = await _client.OkGetAsync($"model-versions/search?filter={Uri.EscapeDataString($"name = '{name}'")}");
        replies["registered-models-alias-get"] = await _client.OkGetAsync($"registered-models/alias?name={name}&alias=champion");
        replies["registered-models-get-latest-versions"] = await _client.OkAsync("registered-models/get-latest-versions", new { name });
        replies["model-versions-get-download-uri"] = await _client.OkGetAsync($"model-versions/get-download-uri?name={name}&version=1");
        replies["error-unknown-alias"] = await _client.GetAsync($"registered-models/alias?name={name}&alias=nobody");
        var storage = replies["model-versions-get-download-uri"].Json["artifact_uri"]!.GetValue<string>().Split('/')[^1];
        await CompareAsync(replies, (runId, "<run_id>"), (name, "<name>"), (storage, "<storage_id>"));
    }

    private static async Task CompareAsync(Dictionary<string, Reply> replies, params (string Value, string Placeholder)[] replacements)
    {
        var mismatches = new List<string>();
        foreach (var (route, reply) in replies)
        {
            var actual = Normalize(reply.Text, replacements);
            var file = Path.Combine(GoldenDirectory(), route + ".json");
            if (Environment.GetEnvironmentVariable("CAIRN_UPDATE_GOLDEN") == "1")
            {
                await File.WriteAllTextAsync(file, actual, TestContext.Current.CancellationToken);
                continue;
            }

            var expected = File.Exists(file) ? await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken) : "(missing golden file)";
            if (expected != actual)
            {
                mismatches.Add($"{route}:\nexpected {expected}\nactual   {actual}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
    }

    /// <summary>Pretty-printed JSON with ids and server-clock times replaced, so the file is readable and stable.</summary>
    private static string Normalize(string json, params (string Value, string Placeholder)[] replacements)
    {
        var node = JsonNode.Parse(json)!;
        Walk(node, replacements);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static void Walk(JsonNode node, (string Value, string Placeholder)[] replacements)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (ServerClockFields.Contains(key))
                    {
                        obj[key] = "<server time>";
                    }
                    else if (child is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        obj[key] = Replace(text, replacements);
                    }
                    else if (child is not null)
                    {
                        Walk(child, replacements);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        array[i] = Replace(text, replacements);
                    }
                    else if (array[i] is { } child)
                    {
                        Walk(child, replacements);
                    }
                }

                break;
        }
    }

    /// <summary>Whole values, or whole path segments of a URI; never substrings (ids can be as short as "1").</summary>
    private static string Replace(string text, (string Value, string Placeholder)[] replacements)
    {
        foreach (var (value, placeholder) in replacements)
        {
            if (text == value)
            {
                return placeholder;
            }
        }

        if (!text.Contains(":/", StringComparison.Ordinal))
        {
            return text;
        }

        var segments = text.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            foreach (var (value, placeholder) in replacements)
            {
                if (segments[i] == value)
                {
                    segments[i] = placeholder;
                }
            }
        }

        return string.Join('/', segments);
    }

    private static string GoldenDirectory()
    {
        // Read and write the checked-in files, not copies in the build output.
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cairn.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Repository root not found."), "tests", "Cairn.Server.Tests", "Golden");
    }
}
