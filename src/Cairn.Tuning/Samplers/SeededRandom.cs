namespace Cairn.Tuning.Samplers;

/// <summary>
/// A random stream per (seed, trial, parameter), so a suggestion does not depend on how many other suggestions were made
/// before it or on which thread asked. Streams are SplitMix64 over a 64-bit FNV-1a hash of the key: neighbouring keys
/// give unrelated streams (the first outputs of <see cref="Random(int)"/> for related seeds are correlated, which made
/// parameters of one trial move together).
/// </summary>
internal static class SeededRandom
{
    public static Random For(int seed, int trial, string name, string purpose = "") =>
        new SplitMixRandom(Hash64($"{seed}\u001f{trial}\u001f{name}\u001f{purpose}"));

    /// <summary>FNV-1a (32 bits): stable across processes, unlike string.GetHashCode.</summary>
    public static uint Hash(string text) => (uint)(Hash64(text) ^ (Hash64(text) >> 32));

    public static ulong Hash64(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return SplitMixRandom.Mix(hash);
    }

    public static double Normal(Random random)
    {
        // Box–Muller; 1 − U keeps the logarithm finite.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood): tiny state, well-mixed output, fine for sampling.</summary>
    private sealed class SplitMixRandom(ulong state) : Random
    {
        private ulong _state = state;

        public static ulong Mix(ulong z)
        {
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }

        public override double NextDouble() => Sample();

        public override int Next() => (int)(NextUInt64() >> 33);

        public override int Next(int maxValue) => maxValue <= 0 ? 0 : (int)(Sample() * maxValue);

        public override int Next(int minValue, int maxValue) => minValue + (int)(Sample() * ((long)maxValue - minValue));

        protected override double Sample() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        private ulong NextUInt64() => Mix(_state = unchecked(_state + 0x9E3779B97F4A7C15UL));
    }
}
