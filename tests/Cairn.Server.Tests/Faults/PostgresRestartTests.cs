using System.Net;
using Cairn.Server.Tests.Infrastructure;
using Cairn.Tests.Shared;

namespace Cairn.Server.Tests.Faults;

/// <summary>
/// Issue 4, item 7: PostgreSQL stops (fast shutdown, as on a restart) while a `cairn server` process takes log-batch
/// requests and reads. While it is down every request fails with a 503 that names the database, never a 500; once
/// it is back the same server process serves again by itself; and every acknowledged batch is stored exactly once.
/// The cluster is the test's own, so stopping it disturbs no other test.
/// </summary>
[Collection(nameof(FaultsCollection))]
public sealed class PostgresRestartTests
{
    private const int Writers = 4;
    private const int AcknowledgedBeforeStop = 20;
    private const int RefusedWhileDown = 8;
    private const int AcknowledgedAfterStart = 20;

    [Fact]
    public async Task PostgresRestartUnderLoad_Answers503WhileDown_ThenRecoversWithoutServerRestart()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var artifacts = Directory.CreateTempSubdirectory("cairn-restart-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(["--backend-store-uri", cluster.Uri, "--artifacts-destination", artifacts]);
            var client = server.Client;
            var experiment = await client.CreateExperimentAsync();
            var runId = await client.CreateRunAsync(experiment);
            var ledger = new IngestLedger(runId);
            var readerReplies = new List<HttpStatusCode>();
            using var stop = new CancellationTokenSource();

            var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await ledger.SendAsync(client);
                }
            }, TestContext.Current.CancellationToken)).Append(Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var reply = await client.GetAsync($"runs/get?run_id={runId}");
                    Assert.True(reply.Status == HttpStatusCode.OK || (reply.Status == HttpStatusCode.ServiceUnavailable
                        && reply.ErrorCode == "TEMPORARILY_UNAVAILABLE" && reply.Json["message"]!.GetValue<string>().Contains("PostgreSQL", StringComparison.Ordinal)),
                        $"a read answered {(int)reply.Status}: {reply.Text}");
                    lock (readerReplies)
                    {
                        readerReplies.Add(reply.Status);
                    }
                }
            }, TestContext.Current.CancellationToken)).ToArray();

            var deadline = TimeSpan.FromSeconds(40);
            await ReplicaKillTests.WaitUntilAsync(() => ledger.Acknowledged >= AcknowledgedBeforeStop, deadline, writers);
            await cluster.StopServerAsync();
            await ReplicaKillTests.WaitUntilAsync(() => ledger.Refused >= RefusedWhileDown && ReadsRefused(readerReplies) > 0, deadline, writers);
            var ackedWhileDown = ledger.Acknowledged;
            await cluster.StartServerAsync();
            await ReplicaKillTests.WaitUntilAsync(() => ledger.Acknowledged >= ackedWhileDown + AcknowledgedAfterStart, deadline, writers);
            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

            Assert.False(server.HasExited);
            Assert.True(ledger.Unexpected.Count == 0, string.Join('\n', ledger.Unexpected));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"runs/get?run_id={runId}")).Status);
            await ledger.VerifyAsync(client);
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }

    private static int ReadsRefused(List<HttpStatusCode> replies)
    {
        lock (replies)
        {
            return replies.Count(r => r == HttpStatusCode.ServiceUnavailable);
        }
    }
}
