using System.Globalization;
using System.Net;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Ui.Tests;

/// <summary>Registered models whose versions come from real runs with model files, written through the REST API as a client would.</summary>
internal static class RegistrySeed
{
    /// <summary>What each seeded version was made from: its source run and the parameter and metric it logged.</summary>
    public sealed record SeededVersion(long Version, string RunId, string RunName, string LearningRate, double Auc);

    /// <summary>
    /// Creates model <paramref name="name"/> with <paramref name="versions"/> versions. Version n comes from run "train-n" with
    /// params lr = 0.n and trees = 100, metric auc = 0.80 + n/100, a training dataset and an MLmodel with a signature and an
    /// input example; from version 3 on the signature has an extra optional input, income.
    /// </summary>
    public static async Task<List<SeededVersion>> ModelAsync(MlflowHttp client, string name, int versions)
    {
        var experimentId = await client.CreateExperimentAsync(Seed.Unique("registry"));
        await client.OkAsync("registered-models/create", new { name, description = "Credit default risk" });
        var seeded = new List<SeededVersion>();
        for (var n = 1; n <= versions; n++)
        {
            var runName = $"train-{n}";
            var runId = await Seed.RunAsync(client, experimentId, runName);
            var lr = $"0.{n}";
            var auc = 0.80 + n / 100.0;
            await Seed.LogAsync(client, runId, [("auc", auc, 0L)], [("lr", lr), ("trees", "100")]);
            await client.OkAsync("runs/log-inputs", new
            {
                run_id = runId,
                datasets = new[]
                {
                    new
                    {
                        dataset = new { name = "credit-train", digest = $"d{n}", source_type = "local", source = "data/credit.parquet" },
                        tags = new[] { new { key = "mlflow.data.context", value = "training" } },
                    },
                },
            });
            await PutAsync(client, $"{experimentId}/{runId}/artifacts/model/MLmodel", MlModel(runId, withIncome: n >= 3));
            await PutAsync(client, $"{experimentId}/{runId}/artifacts/model/input_example.json",
                """{"columns": ["age", "city"], "data": [[41.0, "Lyon"]]}""");
            var version = (await client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId }))
                .Json["model_version"]!["version"]!.GetValue<string>();
            seeded.Add(new SeededVersion(long.Parse(version, CultureInfo.InvariantCulture), runId, runName, lr, auc));
        }

        return seeded;
    }

    /// <summary>
    /// Logs an MLflow 3 logged model "classifier" (param lr = 0.5, status READY) from a new run, the way MLflow 3 clients do,
    /// and registers it as a version of a new model <paramref name="name"/>. Returns the logged model's id.
    /// </summary>
    public static async Task<string> LoggedModelVersionAsync(MlflowHttp client, string name)
    {
        var experimentId = await client.CreateExperimentAsync(Seed.Unique("logged"));
        var runId = await Seed.RunAsync(client, experimentId, "train-logged");
        var info = (await client.OkAsync("logged-models", new
        {
            experiment_id = experimentId,
            name = "classifier",
            source_run_id = runId,
            @params = new[] { new { key = "lr", value = "0.5" } },
        })).Json["model"]!["info"]!;
        var modelId = info["model_id"]!.GetValue<string>();
        var location = info["artifact_uri"]!.GetValue<string>()["mlflow-artifacts:/".Length..];
        await PutAsync(client, location + "/MLmodel", MlModel(runId, withIncome: false) + $"model_id: {modelId}\n");
        await PutAsync(client, location + "/input_example.json", """{"columns": ["age", "city"], "data": [[33.0, "Porto"]]}""");
        var ready = await client.SendAsync(HttpMethod.Patch, MlflowHttp.Api + $"logged-models/{modelId}",
            System.Text.Json.JsonSerializer.Serialize(new { model_id = modelId, status = "LOGGED_MODEL_READY" }));
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        await client.OkAsync("registered-models/create", new { name });
        await client.OkAsync("model-versions/create", new { name, source = $"models:/{modelId}", model_id = modelId });
        return modelId;
    }

    public static async Task DecideAsync(MlflowHttp client, string name, long version, string decision)
    {
        var reply = await client.PostAsync($"models/{name}/versions/{version}/approval", new { decision }, "/api/v1/registry/");
        Assert.True(reply.Status == HttpStatusCode.OK, $"approval answered {(int)reply.Status}: {reply.Text}");
    }

    private static string MlModel(string runId, bool withIncome)
    {
        var income = withIncome ? """, {"type": "long", "name": "income", "required": false}""" : "";
        return $$$"""
            artifact_path: model
            flavors:
              python_function:
                loader_module: mlflow.sklearn
                python_version: 3.11.9
            mlflow_version: 2.16.0
            model_uuid: 6b1c0e4f
            run_id: {{{runId}}}
            saved_input_example_info:
              artifact_path: input_example.json
              pandas_orient: split
              type: dataframe
            signature:
              inputs: '[{"type": "double", "name": "age", "required": true}, {"type": "string", "name": "city", "required": true}{{{income}}}]'
              outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
              params: null
            utc_time_created: '2026-01-01 00:00:00.000000'

            """;
    }

    private static async Task PutAsync(MlflowHttp client, string path, string content)
    {
        using var put = await client.Http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}", new StringContent(content), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }
}
