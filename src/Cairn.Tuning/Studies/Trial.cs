using Cairn.Tuning.Space;

namespace Cairn.Tuning.Studies;

/// <summary>
/// The objective's handle on one trial: suggestions define the search space as the objective runs (so a parameter can
/// depend on another's value), intermediate values feed the pruner.
/// </summary>
public sealed class Trial
{
    private readonly Study _study;
    private readonly IReadOnlyDictionary<string, object?>? _fixedParams;

    internal Trial(Study study, int number, IReadOnlyDictionary<string, object?>? fixedParams)
    {
        _study = study;
        Number = number;
        _fixedParams = fixedParams;
    }

    public int Number { get; }

    // Stopwatch ticks of the last sign of life: creation, a report or an explicit heartbeat.
    private long _lastHeartbeat = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Time since the trial's last sign of life; a study run with a heartbeat grace fails trials that stay silent.</summary>
    public TimeSpan SinceHeartbeat => System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastHeartbeat));

    /// <summary>Says the trial's worker is alive (e.g. on each line a child process prints).</summary>
    public void Heartbeat() => Interlocked.Exchange(ref _lastHeartbeat, System.Diagnostics.Stopwatch.GetTimestamp());

    public IReadOnlyDictionary<string, object?> Params => _study.Record(Number).ExternalParams;

    public double SuggestFloat(string name, double low, double high, bool log = false, double? step = null) =>
        _study.Suggest(Number, name, new FloatDistribution(low, high, log, step), _fixedParams);

    public long SuggestInt(string name, long low, long high, long step = 1, bool log = false) =>
        (long)Math.Round(_study.Suggest(Number, name, new IntDistribution(low, high, step, log), _fixedParams));

    public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices) =>
        choices[(int)_study.Suggest(Number, name, new CategoricalDistribution(choices.Cast<object?>().ToList()), _fixedParams)];

    public object? Suggest(string name, Distribution distribution) =>
        distribution.ToExternal(_study.Suggest(Number, name, distribution, _fixedParams));

    /// <summary>An intermediate value at a step (epoch, iterations, rows seen): what pruners compare across trials.</summary>
    public void Report(long step, double value)
    {
        Heartbeat();
        _study.Report(Number, step, value);
    }

    public bool ShouldPrune() => _study.ShouldPrune(Number);
}
