using System.Diagnostics;
using System.Globalization;
using Cairn.Tuning.Samplers;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Tests;

/// <summary>
/// Reference §6.4.7: a trial whose worker dies is marked failed and the study still completes. Each trial here runs in a
/// child process that prints a heartbeat line every 50 ms and its value at the end; the test kills one worker with
/// SIGKILL and freezes another with SIGSTOP (alive but silent, which only the heartbeat grace can detect).
/// </summary>
public sealed class KilledTrialTests
{
    private const int KilledTrial = 2;
    private const int FrozenTrial = 4;

    // The grace is generous because a loaded machine can take seconds to start a shell and print its first line.
    [Fact]
    public async Task AKilledAndAFrozenWorker_TheirTrialsFail_AndTheStudyStillCompletes()
    {
        var study = new Study(Direction.Minimize, new RandomSampler(seed: 1));
        var frozenWorkerEnded = new TaskCompletionSource();

        var reason = await study.OptimizeAsync(async (trial, token) =>
        {
            var x = trial.SuggestFloat("x", 0, 1);
            var value = (x - 0.3) * (x - 0.3);
            var beats = trial.Number is KilledTrial or FrozenTrial ? 200 : 6;
            using var worker = Process.Start(new ProcessStartInfo("/bin/sh",
                ["-c", $"i=0; while [ $i -lt {beats} ]; do echo beat; sleep 0.05; i=$((i+1)); done; echo value {value.ToString("R", CultureInfo.InvariantCulture)}"])
            {
                RedirectStandardOutput = true,
            })!;
            try
            {
                double? result = null;
                var lines = 0;
                while (await worker.StandardOutput.ReadLineAsync(token) is { } line)
                {
                    trial.Heartbeat();
                    if (++lines == 3 && trial.Number == KilledTrial)
                    {
                        worker.Kill();
                    }
                    else if (lines == 3 && trial.Number == FrozenTrial)
                    {
                        using var stop = Process.Start("kill", ["-STOP", worker.Id.ToString(CultureInfo.InvariantCulture)]);
                        await stop.WaitForExitAsync(token);
                    }

                    if (line.StartsWith("value ", StringComparison.Ordinal))
                    {
                        result = double.Parse(line[6..], CultureInfo.InvariantCulture);
                    }
                }

                await worker.WaitForExitAsync(token);
                return worker.ExitCode == 0 && result is { } v ? v : throw new InvalidOperationException($"worker exited with {worker.ExitCode}");
            }
            finally
            {
                if (!worker.HasExited)
                {
                    worker.Kill();
                    await worker.WaitForExitAsync(CancellationToken.None);
                }

                if (trial.Number == FrozenTrial)
                {
                    frozenWorkerEnded.TrySetResult();
                }
            }
        }, new OptimizeOptions { MaxTrials = 8, Parallelism = 2, HeartbeatGrace = TimeSpan.FromSeconds(10) }, TestContext.Current.CancellationToken);

        Assert.Equal(StopReason.MaxTrials, reason);
        Assert.Equal(TrialState.Failed, study.Trials[KilledTrial].State);
        Assert.Equal(TrialState.Failed, study.Trials[FrozenTrial].State);
        Assert.True(6 == study.Trials.Count(t => t.State == TrialState.Complete), string.Join(", ", study.Trials.Select(t => $"{t.Number}: {t.State}")));
        Assert.Equal(8, study.Trials.Count);
        // The frozen trial's objective was cancelled once the grace period passed, and it ended its worker.
        await frozenWorkerEnded.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
