using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Storage.Postgres;
using Npgsql;

namespace Cairn.Server.Tests.Replicas;

/// <summary>
/// Issue 4, item 3: two replicas on one PostgreSQL database and one bucket behave as one server. Every write goes
/// through one replica and is read back through the other at once (nothing may be served from a stale cache).
/// </summary>
public sealed class ReplicaTests(ReplicaPair replicas) : IClassFixture<ReplicaPair>
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts/";
    private readonly MlflowHttp _first = replicas.First.Client;
    private readonly MlflowHttp _second = replicas.Second.Client;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<T> QueryAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(replicas.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync(Cancel))!;
    }

    private static async Task PutAsync(MlflowHttp replica, string path, HttpContent content)
    {
        using var response = await replica.Http.PutAsync(Proxy + path, content, Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload of {path} answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task ReplicasStartedTogetherOnAnEmptyDatabase_BothServe_AndTheSchemaIsMigratedOnce()
    {
        Assert.Equal(PostgresMigrator.LatestVersion, (int)await QueryAsync<long>("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(PostgresMigrator.LatestVersion, await QueryAsync<int>("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1L, await QueryAsync<long>("SELECT COUNT(*) FROM experiments WHERE experiment_id = 0"));
        foreach (var replica in new[] { _first, _second })
        {
            Assert.Equal("Default", (await replica.OkGetAsync("experiments/get?experiment_id=0")).Json["experiment"]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task TrackingWrittenThroughOneReplica_IsReadThroughTheOther()
    {
        var name = "replicated-" + Guid.NewGuid().ToString("N");
        var experiment = await _first.CreateExperimentAsync(name);
        Assert.Equal(experiment, (await _second.OkGetAsync($"experiments/get-by-name?experiment_name={name}")).Json["experiment"]!["experiment_id"]!.GetValue<string>());

        var run = await _second.CreateRunAsync(experiment, runName: "on-second");
        await _first.OkAsync("runs/log-batch", new
        {
            run_id = run,
            metrics = new[] { new { key = "rmse", value = 0.5, timestamp = 10L, step = 1L }, new { key = "rmse", value = 0.25, timestamp = 20L, step = 2L } },
            @params = new[] { new { key = "lr", value = "0.1" } },
            tags = new[] { new { key = "team", value = "risk" } },
        });

        var data = (await _second.GetRunAsync(run))["data"]!;
        Assert.Equal(0.25, data["metrics"]!.AsArray().Single(m => m!["key"]!.GetValue<string>() == "rmse")!["value"]!.GetValue<double>());
        Assert.Equal("0.1", data["params"]!.AsArray().Single(p => p!["key"]!.GetValue<string>() == "lr")!["value"]!.GetValue<string>());
        Assert.Contains(data["tags"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "team" && t["value"]!.GetValue<string>() == "risk");
        Assert.Equal(2, (await _second.OkGetAsync($"metrics/get-history?run_id={run}&metric_key=rmse")).Json["metrics"]!.AsArray().Count);

        // A param is write-once across replicas too.
        (await _second.PostAsync("runs/log-parameter", new { run_id = run, key = "lr", value = "0.2" })).AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        await _second.OkAsync("runs/update", new { run_id = run, status = "FINISHED", end_time = 30L });
        Assert.Equal("FINISHED", (await _first.GetRunAsync(run))["info"]!["status"]!.GetValue<string>());
        var found = (await _first.OkAsync("runs/search", new { experiment_ids = new[] { experiment }, filter = "metrics.rmse < 0.3 and params.lr = '0.1'" })).Json["runs"]!.AsArray();
        Assert.Equal(run, Assert.Single(found)!["info"]!["run_id"]!.GetValue<string>());

        await _first.OkAsync("runs/delete", new { run_id = run });
        Assert.Equal("deleted", (await _second.GetRunAsync(run))["info"]!["lifecycle_stage"]!.GetValue<string>());
        await _first.OkAsync("experiments/delete", new { experiment_id = experiment });
        Assert.Equal("deleted", (await _second.OkGetAsync($"experiments/get?experiment_id={experiment}")).Json["experiment"]!["lifecycle_stage"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegistryChangesThroughOneReplica_AreSeenAtOnceThroughTheOther()
    {
        var experiment = await _first.CreateExperimentAsync();
        var run = await _first.CreateRunAsync(experiment);
        await PutAsync(_first, $"{experiment}/{run}/artifacts/model/MLmodel", new StringContent("flavors: {}\n"));
        var name = "replicated-model-" + Guid.NewGuid().ToString("N");
        await _first.OkAsync("registered-models/create", new { name });

        // The second replica copies the files the first one uploaded into the version's own folder in the shared bucket.
        for (var i = 0; i < 2; i++)
        {
            await _second.OkAsync("model-versions/create", new { name, source = $"runs:/{run}/model", run_id = run });
        }

        using (var file = await _first.Http.GetAsync($"/model-versions/get-artifact?name={name}&version=2&path=MLmodel", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("flavors: {}\n", await file.Content.ReadAsStringAsync(Cancel));
        }

        // Move the alias back and forth, each move through one replica and checked at once through the other.
        for (var move = 0; move < 10; move++)
        {
            var (writer, reader) = move % 2 == 0 ? (_first, _second) : (_second, _first);
            var version = (move % 2) + 1;
            await writer.OkAsync("registered-models/alias", new { name, alias = "champion", version = version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var byAlias = (await reader.OkGetAsync($"registered-models/alias?name={name}&alias=champion")).Json["model_version"]!;
            Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), byAlias["version"]!.GetValue<string>());
            var model = (await reader.OkGetAsync($"registered-models/get?name={name}")).Json["registered_model"]!;
            Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(model["aliases"]!.AsArray())!["version"]!.GetValue<string>());
        }

        await _first.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production", archive_existing_versions = false });
        var latest = (await _second.OkAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Production" } })).Json["model_versions"]!.AsArray();
        Assert.Equal("1", Assert.Single(latest)!["version"]!.GetValue<string>());

        var deleted = await _second.SendAsync(HttpMethod.Delete, MlflowHttp.Api + "model-versions/delete", JsonSerializer.Serialize(new { name, version = "2" }));
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        (await _first.GetAsync($"model-versions/get?name={name}&version=2")).AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Null((await _first.OkGetAsync($"registered-models/get?name={name}")).Json["registered_model"]!["aliases"]);
        var audit = (await _first.OkGetAsync($"registry/audit?name={name}", "/api/v1/")).Json["events"]!.AsArray();
        Assert.Equal(10, audit.Count(e => e!["action"]!.GetValue<string>() == "set_alias"));
    }

    [Fact]
    public async Task ArtifactUploadedThroughOneReplica_DownloadsWholeThroughTheOther()
    {
        var experiment = await _first.CreateExperimentAsync();
        var run = await _first.CreateRunAsync(experiment);

        // Over 8 MiB, so the upload is a multipart upload into the shared bucket.
        var bytes = new byte[(9 * 1024 * 1024) + 123];
        new Random(4).NextBytes(bytes);
        await PutAsync(_first, $"{experiment}/{run}/artifacts/data/weights.bin", new ByteArrayContent(bytes));

        var listed = (await _second.OkGetAsync($"artifacts/list?run_id={run}&path=data")).Json["files"]!.AsArray();
        Assert.Equal(bytes.Length, Assert.Single(listed)!["file_size"]!.GetValue<long>());
        using var download = await _second.Http.GetAsync($"{Proxy}{experiment}/{run}/artifacts/data/weights.bin", Cancel);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(await download.Content.ReadAsByteArrayAsync(Cancel)));
    }

    [Fact]
    public async Task ConcurrentLogBatchFromBothReplicas_StoresEveryPointOnce_AndNothingMore()
    {
        const int RunCount = 3;
        const int WritersPerReplica = 4;
        const int BatchesPerWriter = 15;
        const int PointsPerBatch = 200;
        const int SharedPoints = 10;
        var experiment = await _first.CreateExperimentAsync();
        var runs = new List<string>();
        for (var i = 0; i < RunCount; i++)
        {
            runs.Add(await (i % 2 == 0 ? _first : _second).CreateRunAsync(experiment));
        }

        // Every batch carries its own points and param, plus points and a param that every batch repeats exactly:
        // those must be stored once however the writers from both replicas interleave.
        var writers = new[] { _first, _second }.SelectMany((replica, r) => Enumerable.Range(0, WritersPerReplica).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < BatchesPerWriter; b++)
            {
                var batch = (((r * WritersPerReplica) + w) * BatchesPerWriter) + b;
                var metrics = Enumerable.Range(0, PointsPerBatch)
                    .Select(k => new { key = "loss", value = (double)k, timestamp = (long)batch, step = ((long)batch * PointsPerBatch) + k })
                    .Concat(Enumerable.Range(0, SharedPoints).Select(k => new { key = "shared", value = (double)k, timestamp = 0L, step = (long)k }));
                var reply = await replica.PostAsync("runs/log-batch", new
                {
                    run_id = runs[batch % RunCount],
                    metrics,
                    @params = new[] { new { key = "lr", value = "0.1" }, new { key = $"batch{batch}", value = "sent" } },
                });
                Assert.True(reply.Status == HttpStatusCode.OK, $"batch {batch} through replica {r + 1} answered {(int)reply.Status}: {reply.Text}");
            }
        }, Cancel))).ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(5), Cancel);

        const int Batches = 2 * WritersPerReplica * BatchesPerWriter;
        for (var i = 0; i < RunCount; i++)
        {
            var batchesOfRun = Enumerable.Range(0, Batches).Count(b => b % RunCount == i);
            var key = await QueryAsync<long>("SELECT run_key FROM runs WHERE run_uuid = @run", ("run", runs[i]));
            Assert.Equal((long)batchesOfRun * PointsPerBatch, await QueryAsync<long>("SELECT COUNT(*) FROM metrics WHERE run_key = @k AND key = 'loss'", ("k", key)));
            Assert.Equal(SharedPoints, await QueryAsync<long>("SELECT COUNT(*) FROM metrics WHERE run_key = @k AND key = 'shared'", ("k", key)));
            Assert.Equal(batchesOfRun + 1, await QueryAsync<long>("SELECT COUNT(*) FROM params WHERE run_key = @k", ("k", key)));

            // The per-key summaries were maintained by concurrent upserts from both processes: counts must be exact.
            Assert.Equal((long)batchesOfRun * PointsPerBatch, await QueryAsync<long>("SELECT value_count FROM latest_metrics WHERE run_key = @k AND key = 'loss'", ("k", key)));
            Assert.Equal(SharedPoints, await QueryAsync<long>("SELECT value_count FROM latest_metrics WHERE run_key = @k AND key = 'shared'", ("k", key)));
            var lastStep = ((long)Enumerable.Range(0, Batches).Last(b => b % RunCount == i) * PointsPerBatch) + PointsPerBatch - 1;
            foreach (var replica in new[] { _first, _second })
            {
                var metrics = (await replica.GetRunAsync(runs[i]))["data"]!["metrics"]!.AsArray();
                var loss = metrics.Single(m => m!["key"]!.GetValue<string>() == "loss")!;
                Assert.Equal((lastStep, PointsPerBatch - 1d), (loss["step"]!.GetValue<long>(), loss["value"]!.GetValue<double>()));
                Assert.Equal(SharedPoints - 1d, metrics.Single(m => m!["key"]!.GetValue<string>() == "shared")!["value"]!.GetValue<double>());
            }
        }
    }
}
