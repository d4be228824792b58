using Cairn.Tuning.Samplers.Optuna;

namespace Cairn.Tuning.Tests;

/// <summary>Our NumPy legacy <c>RandomState</c> against the numbers NumPy 1.24 prints (one-liners in the comments).</summary>
public sealed class NumpyRandomStateTests
{
    [Fact]
    public void RandomSample_MatchesNumpy_BitForBit()
    {
        // r=np.random.RandomState(0); [r.random_sample() for _ in range(3)]
        var random = new NumpyRandomState(0);
        Assert.Equal([0.5488135039273248, 0.7151893663724195, 0.6027633760716439], [random.NextDouble(), random.NextDouble(), random.NextDouble()]);

        // np.random.RandomState(2**32-1).random_sample()
        Assert.Equal(0.0976320289940138, new NumpyRandomState(uint.MaxValue).NextDouble());
    }

    [Fact]
    public void SkippingDoubles_LandsWhereDrawingThemWould()
    {
        // r=np.random.RandomState(5); r.random_sample(1000); r.random_sample()
        var random = new NumpyRandomState(5);
        random.SkipDoubles(1000);
        Assert.Equal(0.7162461489862848, random.NextDouble());
    }

    [Fact]
    public void Uniform_MatchesNumpy()
    {
        // r=np.random.RandomState(42); r.uniform(-5, 10), r.uniform(1e-3, 2.0)
        var random = new NumpyRandomState(42);
        Assert.Equal(0.6181017827104371, random.Uniform(-5, 10));
        Assert.Equal(1.9014778985134224, random.Uniform(1e-3, 2.0));
    }

    [Fact]
    public void RandInt_MatchesNumpy_For32And64BitRanges()
    {
        // r=np.random.RandomState(7); list(r.randint(0, 10, 5)), r.randint(0, 2**32), r.randint(-3, 2**40)
        var random = new NumpyRandomState(7);
        Assert.Equal([4L, 9, 6, 3, 3], Enumerable.Range(0, 5).Select(_ => random.RandInt(0, 10)));
        Assert.Equal(3107259287L, random.RandInt(0, 1L << 32));
        Assert.Equal(446582064473L, random.RandInt(-3, 1L << 40));
    }

    [Fact]
    public void ChoiceWithProbabilities_MatchesNumpy()
    {
        // np.random.RandomState(3).choice(4, 8, p=[0.1, 0.2, 0.3, 0.4])
        Assert.Equal([2, 3, 1, 2, 3, 3, 1, 1], new NumpyRandomState(3).Choice([0.1, 0.2, 0.3, 0.4], 8));
    }
}
