using System.Security.Cryptography;
using Cairn.Client;
using Cairn.Core.Tracking;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Sdk.Tests.Client;

/// <summary>The SDK's run API against the real server: everything queued arrives, failures surface.</summary>
public sealed class FluentRunTests(CairnServer server) : IClassFixture<CairnServer>
{
    private CairnClient NewClient() => CairnClient.Create(server.BaseAddress.ToString());

    [Fact]
    public async Task RunApi_LogsEverythingQueued_AndEndsTheRun()
    {
        using var client = NewClient();
        var experiment = "sdk-" + Guid.NewGuid().ToString("N")[..8];
        string runId;
        await using (var run = await client.StartRunAsync(experiment, "first", new Dictionary<string, string> { ["team"] = "risk" }))
        {
            runId = run.RunId;
            run.LogParams(new Dictionary<string, string> { ["lr"] = "0.1", ["trees"] = "200" });
            for (var step = 0; step < 5_000; step++)
            {
                run.LogMetric("loss", 1.0 / (step + 1), step);
                run.LogMetric("acc", step / 5000.0, step);
            }

            run.SetTag("phase", "one");
            run.SetTag("phase", "two");
            await run.LogTextAsync("hello", "notes/readme.txt");
        }

        var stored = await client.GetRunAsync(runId);
        Assert.Equal(RunStatus.Finished, stored.Info.Status);
        Assert.NotNull(stored.Info.EndTime);
        Assert.Equal("first", stored.Info.RunName);
        Assert.Contains(stored.Data.Params!, p => p is { Key: "lr", Value: "0.1" });
        Assert.Contains(stored.Data.Tags!, t => t is { Key: "team", Value: "risk" });
        Assert.Contains(stored.Data.Tags!, t => t is { Key: "phase", Value: "two" });
        Assert.Contains(stored.Data.Tags!, t => t.Key == WellKnownTags.User);
        Assert.Equal(1.0 / 5000, stored.Data.Metrics!.Single(m => m.Key == "loss").Value);
        var history = await client.GetMetricHistoryAsync(runId, "acc");
        Assert.Equal(5_000, history.Count);
        Assert.Equal(Enumerable.Range(0, 5_000).Select(s => (long)s), history.Select(m => m.Step!.Value).Order());
        var files = await client.ListArtifactsAsync(stored.Info.ArtifactUri, "notes");
        Assert.Equal("notes/readme.txt", Assert.Single(files).Path);
    }

    [Fact]
    public async Task ChangingAParam_SurfacesOnDispose_AndTheRunEndsFailed()
    {
        using var client = NewClient();
        ActiveRun? started = null;
        var error = await Assert.ThrowsAsync<CairnClientException>(async () =>
        {
            await using var run = await client.StartRunAsync("sdk-fail-" + Guid.NewGuid().ToString("N")[..8]);
            started = run;
            run.LogParam("alpha", "1");
            await run.FlushAsync(TestContext.Current.CancellationToken);
            run.LogParam("alpha", "2");
            run.LogMetric("m", 1);
        });
        Assert.Equal("INVALID_PARAMETER_VALUE", error.ErrorCode);
        Assert.Contains(started!.RunId, error.Message);
        var stored = await client.GetRunAsync(started.RunId, TestContext.Current.CancellationToken);
        Assert.Equal(RunStatus.Failed, stored.Info.Status);
        Assert.Contains(stored.Data.Params!, p => p is { Key: "alpha", Value: "1" });
    }

    [Fact]
    public async Task ChildRuns_AreNested_AndFailMarksFailed()
    {
        using var client = NewClient();
        await using var parent = await client.StartRunAsync("sdk-nested-" + Guid.NewGuid().ToString("N")[..8], "study");
        string childId;
        await using (var child = await parent.StartChildRunAsync("trial-0"))
        {
            childId = child.RunId;
            child.Fail();
        }

        var stored = await client.GetRunAsync(childId, TestContext.Current.CancellationToken);
        Assert.Equal(RunStatus.Failed, stored.Info.Status);
        Assert.Contains(stored.Data.Tags!, t => t.Key == WellKnownTags.ParentRunId && t.Value == parent.RunId);
        var children = await client.SearchRunsAsync([parent.ExperimentId], $"tags.`mlflow.parentRunId` = '{parent.RunId}'",
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(childId, Assert.Single(children).Info.RunId);
    }

    [Fact]
    public async Task Artifacts_RoundTripADirectoryByteForByte()
    {
        using var client = NewClient();
        var cancel = TestContext.Current.CancellationToken;
        var source = Directory.CreateTempSubdirectory("cairn-sdk-src").FullName;
        var target = Directory.CreateTempSubdirectory("cairn-sdk-dst").FullName;
        try
        {
            var big = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
            await File.WriteAllBytesAsync(Path.Combine(source, "weights.bin"), big, cancel);
            Directory.CreateDirectory(Path.Combine(source, "sub", "deeper"));
            await File.WriteAllTextAsync(Path.Combine(source, "sub", "deeper", "MLmodel"), "flavors: {}\n", cancel);
            await File.WriteAllTextAsync(Path.Combine(source, "sub", "a b.txt"), "space", cancel);

            await using var run = await client.StartRunAsync("sdk-artifacts-" + Guid.NewGuid().ToString("N")[..8]);
            await run.LogArtifactsAsync(source, "model", cancel);
            await client.DownloadArtifactsAsync(run.ArtifactUri, "model", target, cancel);

            Assert.Equal(big, await File.ReadAllBytesAsync(Path.Combine(target, "weights.bin"), cancel));
            Assert.Equal("flavors: {}\n", await File.ReadAllTextAsync(Path.Combine(target, "sub", "deeper", "MLmodel"), cancel));
            Assert.Equal("space", await File.ReadAllTextAsync(Path.Combine(target, "sub", "a b.txt"), cancel));
            var top = await client.ListArtifactsAsync(run.ArtifactUri, "model", cancel);
            Assert.Equal(["model/sub", "model/weights.bin"], top.Select(f => f.Path).Order());
            Assert.Equal(big.Length, top.Single(f => !f.IsDir).FileSize);
        }
        finally
        {
            Directory.Delete(source, true);
            Directory.Delete(target, true);
        }
    }

    [Fact]
    public async Task ExperimentsAndSearch_Work()
    {
        using var client = NewClient();
        var cancel = TestContext.Current.CancellationToken;
        var name = "sdk-exp-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Null(await client.FindExperimentAsync(name, cancel));
        var id = await client.GetOrCreateExperimentAsync(name, cancel);
        Assert.Equal(id, await client.GetOrCreateExperimentAsync(name, cancel));
        for (var i = 0; i < 3; i++)
        {
            await using var run = await client.StartRunInExperimentAsync(id, $"r{i}", cancellationToken: cancel);
            run.LogMetric("score", i);
        }

        var best = await client.SearchRunsAsync([id], "metrics.score >= 1", ["metrics.score DESC"], cancellationToken: cancel);
        Assert.Equal(["r2", "r1"], best.Select(r => r.Info.RunName));
        var found = await client.SearchExperimentsAsync($"name = '{name}'", cancellationToken: cancel);
        Assert.Equal(id, Assert.Single(found).ExperimentId);
    }
}
