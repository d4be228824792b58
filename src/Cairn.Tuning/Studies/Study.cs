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

    // Serialises joint suggestions (without holding up Tell, Report or plain suggestions under _gate), so each one sees
    // the points proposed to the trials asked before it.
    private readonly Lock _askGate = new();
    private readonly List<TrialRecord> _trials = [];

    // Jointly proposed internal values of running trials, by trial number, until the trial asks for them or finishes.
    private readonly Dictionary<int, IReadOnlyDictionary<string, JointValue>> _proposed = [];
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
        lock (_askGate)
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
                view = SamplerView();
            }

            // The joint suggestion (GP fit, multivariate densities) is computed outside _gate, so running trials can report
            // and finish meanwhile; it depends only on the snapshot, in which running trials carry their proposed points.
            // Recording it before the next Ask keeps parallel workers from being proposed the same point.
            var joint = Sampler is IJointSampler jointSampler ? jointSampler.SampleJoint(view, record) : null;
            if (joint is not null && fixedParams is not null)
            {
                joint = joint.Where(p => !fixedParams.ContainsKey(p.Key)).ToDictionary();
            }

            if (joint is { Count: > 0 })
            {
                lock (_gate)
                {
                    if (_trials[record.Number].State == TrialState.Running)
                    {
                        _proposed[record.Number] = joint;
                    }
                }
            }

            return new Trial(this, record.Number, fixedParams);
        }
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

    internal double Suggest(int number, string name, Distribution distribution, IReadOnlyDictionary<string, object?>? fixedParams)
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
            else if (_proposed.TryGetValue(number, out var joint) && joint.TryGetValue(name, out var jointValue) && jointValue.Distribution == distribution)
            {
                value = distribution.Snap(jointValue.Value);
            }
            else
            {
                value = distribution.Snap(Sampler.Sample(SamplerView(), trial, name, distribution));
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

    /// <summary>
    /// The trials as samplers see them (under _gate): running trials carry the jointly proposed values of parameters they
    /// have not asked for yet, so the constant liar and the GP's pending points know where the other workers are.
    /// </summary>
    private StudyView SamplerView()
    {
        var trials = new TrialRecord[_trials.Count];
        for (var i = 0; i < trials.Length; i++)
        {
            var trial = _trials[i];
            trials[i] = trial.State == TrialState.Running && _proposed.TryGetValue(i, out var joint) ? WithProposed(trial, joint) : trial;
        }

        return new StudyView(Direction, trials);
    }

    private static TrialRecord WithProposed(TrialRecord trial, IReadOnlyDictionary<string, JointValue> joint)
    {
        var parameters = new Dictionary<string, double>(trial.Params);
        var distributions = new Dictionary<string, Distribution>(trial.Distributions);
        foreach (var (name, proposed) in joint)
        {
            if (parameters.TryAdd(name, proposed.Distribution.Snap(proposed.Value)))
            {
                distributions[name] = proposed.Distribution;
            }
        }

        return trial with { Params = parameters, Distributions = distributions };
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
            _proposed.Remove(number);
        }
    }
}
