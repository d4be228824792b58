using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers.Gp;

/// <summary>
/// Maps a joint space onto the unit box the GP works in: a number becomes one column, scaled over its sampling range (log
/// space for log ranges, widened by half a step for steps and integers, which are rounded back); a categorical parameter
/// becomes one column per choice (one-hot).
/// </summary>
internal sealed class UnitSpace
{
    private readonly IReadOnlyList<(string Name, Distribution Distribution)> _parameters;
    private readonly int[] _firstColumn;

    public UnitSpace(IReadOnlyList<(string Name, Distribution Distribution)> parameters)
    {
        _parameters = parameters;
        _firstColumn = new int[parameters.Count];
        var column = 0;
        var refinable = new List<int>();
        for (var p = 0; p < parameters.Count; p++)
        {
            _firstColumn[p] = column;
            if (parameters[p].Distribution is CategoricalDistribution c)
            {
                column += c.Choices.Count;
                continue;
            }

            if (parameters[p].Distribution is FloatDistribution { Step: null })
            {
                refinable.Add(column);
            }

            column++;
        }

        Width = column;
        Refinable = [.. refinable];
    }

    public int Width { get; }

    /// <summary>Columns of continuous parameters, the ones a local optimiser may move freely.</summary>
    public int[] Refinable { get; }

    public double[] Encode(TrialRecord trial)
    {
        var u = new double[Width];
        for (var p = 0; p < _parameters.Count; p++)
        {
            var (name, distribution) = _parameters[p];
            var value = trial.Params[name];
            if (distribution is CategoricalDistribution)
            {
                u[_firstColumn[p] + (int)value] = 1;
                continue;
            }

            var (low, high) = ParzenEstimator.SamplingRange(distribution);
            u[_firstColumn[p]] = high > low ? (ParzenEstimator.ToSampling(distribution, value) - low) / (high - low) : 0.5;
        }

        return u;
    }

    /// <summary>Internal values for a point of the box (rounded to steps, the largest one-hot column wins).</summary>
    public Dictionary<string, JointValue> Decode(ReadOnlySpan<double> u)
    {
        var values = new Dictionary<string, JointValue>(StringComparer.Ordinal);
        for (var p = 0; p < _parameters.Count; p++)
        {
            var (name, distribution) = _parameters[p];
            values[name] = new JointValue(distribution, Internal(p, u));
        }

        return values;
    }

    /// <summary>Moves a point onto what it decodes to, so the acquisition function is judged where the trial will run.</summary>
    public void Project(Span<double> u)
    {
        for (var p = 0; p < _parameters.Count; p++)
        {
            var distribution = _parameters[p].Distribution;
            var first = _firstColumn[p];
            if (distribution is CategoricalDistribution c)
            {
                var chosen = (int)Internal(p, u);
                u.Slice(first, c.Choices.Count).Clear();
                u[first + chosen] = 1;
            }
            else if (distribution is not FloatDistribution { Step: null })
            {
                var (low, high) = ParzenEstimator.SamplingRange(distribution);
                var value = Internal(p, u);
                u[first] = high > low ? (ParzenEstimator.ToSampling(distribution, value) - low) / (high - low) : 0.5;
            }
        }
    }

    private double Internal(int p, ReadOnlySpan<double> u)
    {
        var distribution = _parameters[p].Distribution;
        var first = _firstColumn[p];
        if (distribution is CategoricalDistribution c)
        {
            var best = 0;
            for (var k = 1; k < c.Choices.Count; k++)
            {
                if (u[first + k] > u[first + best])
                {
                    best = k;
                }
            }

            return best;
        }

        var (low, high) = ParzenEstimator.SamplingRange(distribution);
        return distribution.Snap(ParzenEstimator.FromSampling(distribution, low + Math.Clamp(u[first], 0, 1) * (high - low)));
    }
}
