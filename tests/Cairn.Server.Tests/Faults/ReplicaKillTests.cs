using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Replicas;

namespace Cairn.Server.Tests.Faults;

/// <summary>
/// Issue 4, item 7: one of two replicas is killed with SIGKILL while both take log-batch requests. Writers of the dead
/// replica move to the other, as behind a load balancer. No acknowledged batch may be lost or doubled, and no batch
/// that was in flight may be stored in part.
/// </summary>
[Collection(nameof(FaultsCollection))]
public sealed class ReplicaKillTests(ReplicaPair replicas) : IClassFixture<ReplicaPair>
{
    private const int WritersPerReplica = 4;
    private const int AcknowledgedBeforeKill = 40;
    private const int AcknowledgedAfterKill = 40;

    [Fact]
    public async Task SigkillOfOneReplicaDuringIngest_LosesNoAcknowledgedBatch()
    {
        var survivor = replicas.Second.Client;
        var experiment = await survivor.CreateExperimentAsync();
        var ledger = new IngestLedger(await survivor.CreateRunAsync(experiment));
        using var stop = new CancellationTokenSource();

        var writers = new[] { replicas.First.Client, survivor }.SelectMany(replica => Enumerable.Range(0, WritersPerReplica).Select(_ => Task.Run(async () =>
        {
            var target = replica;
            while (!stop.IsCancellationRequested)
            {
                if (await ledger.SendAsync(target) == IngestLedger.Outcome.Lost)
                {
                    target = survivor;
                }
            }
        }, TestContext.Current.CancellationToken))).ToArray();

        var deadline = TimeSpan.FromSeconds(45);
        await WaitUntilAsync(() => ledger.Acknowledged >= AcknowledgedBeforeKill, deadline, writers);
        var ackedAtKill = ledger.Acknowledged;
        await replicas.First.KillAsync();
        await WaitUntilAsync(() => ledger.Acknowledged >= ackedAtKill + AcknowledgedAfterKill, deadline, writers);
        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(replicas.First.HasExited);
        Assert.True(ledger.Unexpected.Count == 0, string.Join('\n', ledger.Unexpected));
        await ledger.VerifyAsync(survivor);
    }

    /// <summary>Waits for <paramref name="condition"/>, failing early when a writer failed.</summary>
    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Task[] writers)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (writers.FirstOrDefault(w => w.IsFaulted) is { } failed)
            {
                await failed;
            }

            Assert.True(watch.Elapsed < timeout, $"not reached within {timeout.TotalSeconds} s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
