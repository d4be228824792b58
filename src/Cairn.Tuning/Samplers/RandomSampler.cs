using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>Independent uniform draws: uniform for plain ranges, log-uniform for log ranges, uniform over choices.</summary>
public sealed class RandomSampler(int seed = 0) : ISampler
{
    public int Seed { get; } = seed;

    public double Sample(StudyView study, TrialRecord trial, string name, Distribution distribution) =>
        FromUnit(distribution, SeededRandom.For(Seed, trial.Number, name).NextDouble());

    /// <summary>Maps u in [0, 1) onto the distribution, uniformly in its sampling space.</summary>
    public static double FromUnit(Distribution distribution, double u) => distribution switch
    {
        FloatDistribution { Log: true } f => Math.Exp(Math.Log(f.Low) + u * (Math.Log(f.High) - Math.Log(f.Low))),
        FloatDistribution { Step: { } step } f => f.Low + Math.Floor(u * ((f.High - f.Low) / step + 1)) * step,
        FloatDistribution f => f.Low + u * (f.High - f.Low),
        // Widened by half a unit at both ends so the end points are as likely as the others after rounding.
        IntDistribution { Log: true } i => Math.Exp(Math.Log(i.Low - 0.5) + u * (Math.Log(i.High + 0.5) - Math.Log(i.Low - 0.5))),
        IntDistribution i => i.Low + Math.Floor(u * ((i.High - i.Low) / i.Step + 1)) * i.Step,
        CategoricalDistribution c => Math.Floor(u * c.Choices.Count),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, null),
    };
}
