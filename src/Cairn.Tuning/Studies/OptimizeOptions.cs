namespace Cairn.Tuning.Studies;

/// <summary>When a study stops asking for trials; whichever criterion is met first ends it.</summary>
public sealed record OptimizeOptions
{
    /// <summary>Trials to finish in this call (complete, pruned or failed).</summary>
    public int MaxTrials { get; init; } = 100;

    /// <summary>Trials run at once.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>Failed trials (in this call) after which the study stops with an error.</summary>
    public int MaxFailedTrials { get; init; } = int.MaxValue;

    /// <summary>Stop once a trial's value is at least this good.</summary>
    public double? Goal { get; init; }

    /// <summary>Stop after this many consecutive finished trials that did not improve on the best.</summary>
    public int? NoImprovementTrials { get; init; }

    /// <summary>Start no new trial after this long; running ones finish.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>
    /// When set, a trial silent for longer than this (no <see cref="Trial.Heartbeat"/> or report) is taken as
    /// killed: it is marked failed, its cancellation token fires, and its worker goes on with the next trial without
    /// waiting for it (a frozen worker cannot hold up the study).
    /// </summary>
    public TimeSpan? HeartbeatGrace { get; init; }
}

/// <summary>Why <see cref="StudyRunner.OptimizeAsync"/> stopped.</summary>
public enum StopReason
{
    MaxTrials,
    Goal,
    NoImprovement,
    TimeBudget,
    TooManyFailures,
    Cancelled,
}
