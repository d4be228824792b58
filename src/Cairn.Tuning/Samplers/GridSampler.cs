using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>
/// Every combination of the given values, in an order shuffled by the seed (so a study cut short still spreads out);
/// trial n takes combination n, and the grid starts over once every combination was used.
/// </summary>
public sealed class GridSampler : ISampler
{
    private readonly IReadOnlyList<string> _names;
    private readonly IReadOnlyList<IReadOnlyList<object?>> _values;
    private readonly int[] _order;

    public GridSampler(IReadOnlyDictionary<string, IReadOnlyList<object?>> grid, int seed = 0)
    {
        if (grid.Count == 0 || grid.Values.Any(v => v.Count == 0))
        {
            throw new ArgumentException("A grid needs at least one parameter and at least one value for each.");
        }

        _names = grid.Keys.Order(StringComparer.Ordinal).ToList();
        _values = _names.Select(n => grid[n]).ToList();
        var size = _values.Aggregate(1L, (product, values) => product * values.Count);
        if (size > 10_000_000)
        {
            throw new ArgumentException($"The grid has {size:N0} points; more than 10,000,000 is not a grid search.");
        }

        _order = Enumerable.Range(0, (int)size).ToArray();
        new Random(seed).Shuffle(_order);
    }

    /// <summary>A grid over distributions: categories and ints take every value, floats need a step.</summary>
    public static GridSampler From(IReadOnlyDictionary<string, Distribution> space, int seed = 0) =>
        new(space.ToDictionary(p => p.Key, p => Values(p.Key, p.Value)), seed);

    public int Size => _order.Length;

    public double Sample(StudyView study, TrialRecord trial, string name, Distribution distribution)
    {
        var index = _names.ToList().IndexOf(name);
        if (index < 0)
        {
            throw new ArgumentException($"Parameter '{name}' is not in the grid ({string.Join(", ", _names)}).");
        }

        var point = _order[trial.Number % _order.Length];
        for (var i = _names.Count - 1; i > index; i--)
        {
            point /= _values[i].Count;
        }

        var value = _values[index][point % _values[index].Count];
        return distribution.ToInternal(value) ?? throw new ArgumentException($"Grid value '{value}' of '{name}' is outside its range {distribution}.");
    }

    private static IReadOnlyList<object?> Values(string name, Distribution distribution) => distribution switch
    {
        CategoricalDistribution c => c.Choices,
        IntDistribution i => Enumerable.Range(0, checked((int)((i.High - i.Low) / i.Step + 1))).Select(k => (object?)(i.Low + k * i.Step)).ToList(),
        FloatDistribution { Step: { } s } f => Enumerable.Range(0, (int)Math.Round((f.High - f.Low) / s) + 1).Select(k => (object?)(f.Low + k * s)).ToList(),
        _ => throw new ArgumentException($"Grid search needs a step for the float parameter '{name}'."),
    };
}
