using Cairn.Tuning.Pruners;
using Cairn.Tuning.Samplers;
using Cairn.Tuning.Space;

namespace Cairn.Tuning.Studies;

/// <summary>
/// A study: trials asked for and told about, with a sampler that suggests parameters and a pruner that stops poor trials
/// early. Thread-safe, so several workers can run trials at once (the sampler sees the running ones too). The state is
/// the trial list alone: a study rebuilt from saved trials (<see cref="Restore"/>) continues where it stopped.
/// </summary>
public sealed class Study
{
    private readonly Lock _gate = new();
    private readonly List<TrialRecord> _trials = [];
    private readonly Queue<IReadOnlyDictionary<string, object?>> _enqueued = new();

    public Study(Direction direction = Direction.Minimize, ISampler? sampler = null, IPruner? pruner = null)
    {
        Direction = direction;
        Sampler = sampler ?? new TpeSampler();
        Pruner = pruner ?? NopPruner.Instance;
    }

    public Direction Direction { get; }

    public ISampler Sampler { get; }

    public IPruner Pruner { get; }

    /// <summary>A study that continues from trials saved earlier; running ones are taken as failed (their worker is gone).</summary>
    public static Study Restore(Direction direction, ISampler? sampler, IPruner? pruner, IEnumerable<TrialRecord> trials)
    {
        var study = new Study(direction, sampler, pruner);
        foreach (var trial in trials.OrderBy(t => t.Number))
        {
            study._trials.Add(trial.State == TrialState.Running ? trial with { State = TrialState.Failed } : trial);
        }

        return study;
    }

    public IReadOnlyList<TrialRecord> Trials
    {
        get
        {
            lock (_gate)
            {
                return [.. _trials];
            }
        }
    }

    /// <summary>The complete trial with the best value; null before any trial completes.</summary>
    public TrialRecord? BestTrial
    {
        get
        {
            var view = View();
            return view.Trials.Where(t => t.State == TrialState.Complete && t.Value is not null)
                .OrderBy(t => view.Loss(t.Value!.Value)).ThenBy(t => t.Number).FirstOrDefault();
        }
    }

    /// <summary>Parameters the next asked trial takes as given (known-good points, warm starts); others are sampled.</summary>
    public void Enqueue(IReadOnlyDictionary<string, object?> parameters)
    {
        lock (_gate)
        {
            _enqueued.Enqueue(parameters);
        }
    }

    public Trial Ask()
    {
        TrialRecord record;
        StudyView view;
        IReadOnlyDictionary<string, object?>? fixedParams;
        lock (_gate)
        {
            var number = _trials.Count;
            record = new TrialRecord(number, TrialState.Running, new Dictionary<string, double>(), new Dictionary<string, Distribution>(), null, new Dictionary<long, double>());
            _trials.Add(record);
            fixedParams = _enqueued.TryDequeue(out var given) ? given : null;
            view = new StudyView(Direction, [.. _trials]);
        }

        // A joint suggestion (GP fit, multivariate densities) is computed outside the lock from the snapshot taken at
        // asking time, so other workers are not held up and the result depends only on that history.
        var joint = Sampler is IJointSampler jointSampler ? jointSampler.SampleJoint(view, record) : null;
        return new Trial(this, record.Number, fixedParams, joint);
    }

    public void Tell(int number, double value)
    {
        if (!double.IsFinite(value))
        {
            Tell(number, TrialState.Failed);
            return;
        }

        Update(number, t => t with { State = TrialState.Complete, Value = value });
    }

    public void Tell(int number, TrialState state)
    {
        if (state is TrialState.Running or TrialState.Complete)
        {
            throw new ArgumentException("Tell a complete trial its value; a trial cannot go back to running.", nameof(state));
        }

        // A pruned trial keeps its last intermediate value as its value, as Optuna does, so it still ranks.
        Update(number, t => t with { State = state, Value = state == TrialState.Pruned && t.LastStep is { } last ? t.Intermediate[last] : null });
    }

    internal double Suggest(int number, string name, Distribution distribution, IReadOnlyDictionary<string, object?>? fixedParams,
        IReadOnlyDictionary<string, JointValue>? joint = null)
    {
        lock (_gate)
        {
            var trial = Running(number);
            if (trial.Params.TryGetValue(name, out var known))
            {
                return trial.Distributions[name] == distribution
                    ? known
                    : throw new ArgumentException($"Parameter '{name}' was already suggested with another range in trial {number}.");
            }

            double value;
            if (fixedParams is not null && fixedParams.TryGetValue(name, out var given) && distribution.ToInternal(given) is { } fixedValue)
            {
                value = fixedValue;
            }
            else if (joint is not null && joint.TryGetValue(name, out var jointValue) && jointValue.Distribution == distribution)
            {
                value = distribution.Snap(jointValue.Value);
            }
            else
            {
                value = distribution.Snap(Sampler.Sample(new StudyView(Direction, [.. _trials]), trial, name, distribution));
            }

            var parameters = new Dictionary<string, double>(trial.Params) { [name] = value };
            var distributions = new Dictionary<string, Distribution>(trial.Distributions) { [name] = distribution };
            _trials[number] = trial with { Params = parameters, Distributions = distributions };
            return value;
        }
    }

    internal void Report(int number, long step, double value)
    {
        if (step < 0 || !double.IsFinite(value))
        {
            throw new ArgumentException($"Intermediate values need a step ≥ 0 and a finite value (got step {step}, value {value}).");
        }

        lock (_gate)
        {
            var trial = Running(number);
            _trials[number] = trial with { Intermediate = new Dictionary<long, double>(trial.Intermediate) { [step] = value } };
        }
    }

    internal bool ShouldPrune(int number)
    {
        lock (_gate)
        {
            var trial = Running(number);
            return trial.LastStep is not null && Pruner.ShouldPrune(new StudyView(Direction, [.. _trials]), trial);
        }
    }

    internal TrialRecord Record(int number)
    {
        lock (_gate)
        {
            return _trials[number];
        }
    }

    private StudyView View()
    {
        lock (_gate)
        {
            return new StudyView(Direction, [.. _trials]);
        }
    }

    private TrialRecord Running(int number)
    {
        var trial = number >= 0 && number < _trials.Count ? _trials[number] : throw new ArgumentOutOfRangeException(nameof(number), number, "No such trial.");
        return trial.State == TrialState.Running ? trial : throw new InvalidOperationException($"Trial {number} is already {trial.State}.");
    }

    private void Update(int number, Func<TrialRecord, TrialRecord> change)
    {
        lock (_gate)
        {
            _trials[number] = change(Running(number));
        }
    }
}
