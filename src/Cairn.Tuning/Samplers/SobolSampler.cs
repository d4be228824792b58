using Cairn.Tuning.Space;
using Cairn.Tuning.Studies;

namespace Cairn.Tuning.Samplers;

/// <summary>
/// Scrambled Sobol points: trial n takes point n of a Sobol sequence (Gray-code order, Joe–Kuo direction numbers),
/// randomised by a digital shift drawn from the seed. Parameters take dimensions in the order they first appeared.
/// Up to 16 parameters.
/// </summary>
public sealed class SobolSampler(int seed = 0) : ISampler
{
    // Joe & Kuo (new-joe-kuo-6.21201) for dimensions 2..16: degree s, polynomial coefficients a, initial m values.
    private static readonly (int S, int A, int[] M)[] Primitives =
    [
        (1, 0, [1]), (2, 1, [1, 3]), (3, 1, [1, 3, 1]), (3, 2, [1, 1, 1]), (4, 1, [1, 1, 3, 3]), (4, 4, [1, 3, 5, 13]),
        (5, 2, [1, 1, 5, 5, 17]), (5, 4, [1, 1, 5, 5, 5]), (5, 7, [1, 1, 7, 11, 19]), (5, 11, [1, 1, 5, 1, 1]),
        (5, 13, [1, 1, 1, 3, 11]), (5, 14, [1, 3, 5, 5, 31]), (6, 1, [1, 3, 3, 9, 7, 49]), (6, 13, [1, 1, 1, 15, 21, 21]),
        (6, 16, [1, 3, 1, 13, 27, 49]),
    ];

    private const int Bits = 32;
    private static readonly uint[][] Directions = BuildDirections();

    public int Seed { get; } = seed;

    public static int MaxDimensions => Directions.Length;

    public double Sample(StudyView study, TrialRecord trial, string name, Distribution distribution)
    {
        var dimension = Dimension(study, trial, name);
        if (dimension >= MaxDimensions)
        {
            throw new ArgumentException($"The Sobol sampler handles up to {MaxDimensions} parameters.");
        }

        return RandomSampler.FromUnit(distribution, Point(trial.Number, dimension, Seed));
    }

    /// <summary>Coordinate <paramref name="dimension"/> of point <paramref name="index"/>, in [0, 1).</summary>
    public static double Point(int index, int dimension, int seed)
    {
        var gray = (uint)(index ^ (index >> 1));
        var x = 0u;
        for (var bit = 0; gray != 0; bit++, gray >>= 1)
        {
            if ((gray & 1) != 0)
            {
                x ^= Directions[dimension][bit];
            }
        }

        var shift = SeededRandom.Hash($"sobol\u001f{seed}\u001f{dimension}");
        return (x ^ shift) / 4294967296.0;
    }

    private static int Dimension(StudyView study, TrialRecord trial, string name)
    {
        var order = new List<string>();
        foreach (var record in study.Trials.OrderBy(t => t.Number).Where(t => t.Number != trial.Number).Append(trial))
        {
            foreach (var key in record.Params.Keys.Order(StringComparer.Ordinal).Where(k => !order.Contains(k)))
            {
                order.Add(key);
            }
        }

        var index = order.IndexOf(name);
        return index >= 0 ? index : order.Count;
    }

    private static uint[][] BuildDirections()
    {
        var directions = new uint[Primitives.Length + 1][];
        directions[0] = Enumerable.Range(1, Bits).Select(i => 1u << (Bits - i)).ToArray();
        for (var d = 0; d < Primitives.Length; d++)
        {
            var (s, a, m) = Primitives[d];
            var v = new uint[Bits];
            for (var i = 0; i < s; i++)
            {
                v[i] = (uint)m[i] << (Bits - 1 - i);
            }

            for (var i = s; i < Bits; i++)
            {
                v[i] = v[i - s] ^ (v[i - s] >> s);
                for (var k = 1; k < s; k++)
                {
                    v[i] ^= ((uint)(a >> (s - 1 - k)) & 1u) * v[i - k];
                }
            }

            directions[d + 1] = v;
        }

        return directions;
    }
}
