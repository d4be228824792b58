using System.Diagnostics;

namespace Cairn.Tuning.Studies;

/// <summary>Runs an objective over a study's trials with several workers until a completion criterion is met.</summary>
public static class StudyRunner
{
    /// <summary>
    /// Asks, runs and tells trials. An objective that throws <see cref="TrialPrunedException"/> makes the trial pruned;
    /// any other exception makes it failed (the exception is kept only if failures end the study).
    /// </summary>
    public static async Task<StopReason> OptimizeAsync(this Study study, Func<Trial, CancellationToken, ValueTask<double>> objective,
        OptimizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OptimizeOptions();
        if (options.MaxTrials < 0 || options.Parallelism < 1)
        {
            throw new ArgumentException("MaxTrials must be ≥ 0 and Parallelism ≥ 1.", nameof(options));
        }

        var clock = Stopwatch.StartNew();
        var gate = new Lock();
        int started = 0, failed = 0, sinceImprovement = 0;
        double? best = study.BestTrial?.Value is { } b ? Loss(study, b) : null;
        StopReason? stop = null;

        bool TryStart()
        {
            lock (gate)
            {
                stop ??= cancellationToken.IsCancellationRequested ? StopReason.Cancelled
                    : options.TimeBudget is { } budget && clock.Elapsed >= budget ? StopReason.TimeBudget
                    : started >= options.MaxTrials ? StopReason.MaxTrials
                    : null;
                if (stop is not null)
                {
                    return false;
                }

                started++;
                return true;
            }
        }

        void Finished(TrialState state, double? value)
        {
            lock (gate)
            {
                if (state == TrialState.Failed && ++failed >= options.MaxFailedTrials)
                {
                    stop ??= StopReason.TooManyFailures;
                }

                if (state == TrialState.Complete && value is { } v)
                {
                    var loss = Loss(study, v);
                    if (best is null || loss < best)
                    {
                        (best, sinceImprovement) = (loss, 0);
                    }
                    else
                    {
                        sinceImprovement++;
                    }

                    if (options.Goal is { } goal && loss <= Loss(study, goal))
                    {
                        stop ??= StopReason.Goal;
                    }
                }
                else
                {
                    sinceImprovement++;
                }

                if (options.NoImprovementTrials is { } patience && sinceImprovement >= patience)
                {
                    stop ??= StopReason.NoImprovement;
                }
            }
        }

        async Task<double?> RunTrialAsync(Trial trial)
        {
            if (options.HeartbeatGrace is not { } grace)
            {
                return await objective(trial, cancellationToken);
            }

            using var trialCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var running = objective(trial, trialCancellation.Token).AsTask();
            var poll = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, grace.Ticks / 4));
            while (!running.IsCompleted)
            {
                await Task.WhenAny(running, Task.Delay(poll, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                if (!running.IsCompleted && trial.SinceHeartbeat > grace)
                {
                    study.Tell(trial.Number, TrialState.Failed);
                    await trialCancellation.CancelAsync();
                    // The abandoned objective may still end later; its outcome is observed and dropped.
                    _ = running.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    return null;
                }
            }

            return await running;
        }

        async Task WorkAsync()
        {
            while (TryStart())
            {
                var trial = study.Ask();
                try
                {
                    var value = await RunTrialAsync(trial);
                    if (value is null)
                    {
                        // No heartbeat within the grace period: the trial was already marked failed.
                        Finished(TrialState.Failed, null);
                        continue;
                    }

                    study.Tell(trial.Number, value.Value);
                    var record = study.Trials[trial.Number];
                    Finished(record.State, record.Value);
                }
                catch (TrialPrunedException)
                {
                    study.Tell(trial.Number, TrialState.Pruned);
                    Finished(TrialState.Pruned, null);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    study.Tell(trial.Number, TrialState.Failed);
                    throw;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    study.Tell(trial.Number, TrialState.Failed);
                    Finished(TrialState.Failed, null);
                }
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Parallelism).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return StopReason.Cancelled;
        }

        return stop ?? StopReason.MaxTrials;
    }

    private static double Loss(Study study, double value) => study.Direction == Direction.Minimize ? value : -value;
}
