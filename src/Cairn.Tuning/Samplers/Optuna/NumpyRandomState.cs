namespace Cairn.Tuning.Samplers.Optuna;

/// <summary>
/// NumPy's legacy <c>RandomState(seed)</c> (MT19937), as far as Optuna 3.1's TPE and random samplers use it, so a seed
/// gives the same draws as in Optuna. Doubles are NumPy's 53-bit <c>random_sample</c>, two 32-bit words each.
/// </summary>
internal sealed class NumpyRandomState : Random
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private readonly uint[] _key = new uint[StateLength];
    private int _position;

    /// <summary>Seeded as <c>RandomState(int)</c> is: MT19937's <c>init_genrand</c> on the seed's low 32 bits.</summary>
    public NumpyRandomState(long seed)
    {
        var s = (uint)(seed & 0xffffffff);
        for (var i = 0; i < StateLength; i++)
        {
            _key[i] = s;
            s = unchecked(1812433253u * (s ^ (s >> 30)) + (uint)i + 1);
        }

        _position = StateLength;
    }

    public uint NextUInt32()
    {
        if (_position == StateLength)
        {
            Twist();
        }

        var y = _key[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    /// <summary><c>random_sample()</c>: a double in [0, 1) from 53 random bits.</summary>
    public override double NextDouble()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>Moves the stream on by <paramref name="count"/> doubles, as if they had been drawn.</summary>
    public void SkipDoubles(long count)
    {
        for (var i = 0L; i < 2 * count; i++)
        {
            NextUInt32();
        }
    }

    /// <summary><c>uniform(low, high)</c>: low + (high − low)·u, computed in that order.</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Legacy <c>randint(low, high)</c> (high exclusive): masked rejection sampling over 32- or 64-bit words.</summary>
    public long RandInt(long low, long high)
    {
        if (high <= low)
        {
            throw new ArgumentOutOfRangeException(nameof(high), "randint needs low < high.");
        }

        var range = (ulong)(high - 1 - low);
        if (range == 0)
        {
            return low;
        }

        var mask = range;
        for (var shift = 1; shift < 64; shift <<= 1)
        {
            mask |= mask >> shift;
        }

        ulong value;
        if (range <= 0xffffffff)
        {
            do
            {
                value = NextUInt32() & mask;
            }
            while (value > range);
        }
        else
        {
            do
            {
                value = (((ulong)NextUInt32() << 32) | NextUInt32()) & mask;
            }
            while (value > range);
        }

        return low + (long)value;
    }

    /// <summary>
    /// Legacy <c>choice(len(p), size, p=p)</c>: the cumulative sum of p scaled so it ends at 1, then for each of
    /// <paramref name="size"/> uniform draws the first index whose cumulative value exceeds it.
    /// </summary>
    public int[] Choice(IReadOnlyList<double> p, int size) => ChoiceFrom(p, size, NextDouble);

    /// <summary>The legacy <c>choice</c> search over uniforms from any source.</summary>
    public static int[] ChoiceFrom(IReadOnlyList<double> p, int size, Func<double> uniform)
    {
        var cdf = new double[p.Count];
        var sum = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            cdf[i] = sum += p[i];
        }

        var last = cdf[^1];
        for (var i = 0; i < cdf.Length; i++)
        {
            cdf[i] /= last;
        }

        var picks = new int[size];
        for (var s = 0; s < size; s++)
        {
            var u = uniform();
            var index = 0;
            while (index < cdf.Length && cdf[index] <= u)
            {
                index++;
            }

            picks[s] = index;
        }

        return picks;
    }

    protected override double Sample() => NextDouble();

    public override int Next() => (int)(NextUInt32() >> 1);

    public override int Next(int maxValue) => maxValue <= 0 ? 0 : (int)RandInt(0, maxValue);

    public override int Next(int minValue, int maxValue) => minValue >= maxValue ? minValue : (int)RandInt(minValue, maxValue);

    private void Twist()
    {
        const uint upper = 0x80000000u, lower = 0x7fffffffu, matrix = 0x9908b0dfu;
        for (var i = 0; i < StateLength; i++)
        {
            var y = (_key[i] & upper) | (_key[(i + 1) % StateLength] & lower);
            _key[i] = _key[(i + Shift) % StateLength] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrix);
        }

        _position = 0;
    }
}
