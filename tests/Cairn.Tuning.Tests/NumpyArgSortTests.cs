using Cairn.Tuning.Samplers.Optuna;

namespace Cairn.Tuning.Tests;

/// <summary>
/// <c>np.argsort</c>'s order for equal values (NumPy 1.24's introsort is not stable past 16 elements), which decides
/// which of several equal integer observations gets which bandwidth in Optuna's estimator.
/// </summary>
public sealed class NumpyArgSortTests
{
    [Fact]
    public void SmallArrays_SortStably()
    {
        // np.argsort([3.0, 1.0, 2.0, 1.0, 3.0])
        Assert.Equal([1, 3, 2, 0, 4], Numpy.ArgSort([3.0, 1.0, 2.0, 1.0, 3.0]));
    }

    [Fact]
    public void TiesInLongerArrays_ComeOutInNumpysOrder()
    {
        // np.argsort([1.0, 2.0, 2.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 1.0, 2.0, 1.0, 1.0, 0.0, 2.0, 2.0])
        Assert.Equal([8, 14, 4, 9, 7, 13, 12, 10, 0, 5, 3, 6, 11, 2, 1, 15, 16],
            Numpy.ArgSort([1.0, 2.0, 2.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 1.0, 2.0, 1.0, 1.0, 0.0, 2.0, 2.0]));

        // np.argsort(np.zeros(40))
        Assert.Equal([0, 22, 23, 24, 25, 26, 27, 28, 21, 29, 31, 32, 33, 34, 35, 36, 37, 30, 20, 19, 18, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 38, 39],
            Numpy.ArgSort(new double[40]));
    }

    [Fact]
    public void DistinctValues_AreSorted()
    {
        var values = Enumerable.Range(0, 500).Select(i => Math.Sin(i * 12.9898) * 43758.5453 % 1).ToArray();
        var order = Numpy.ArgSort(values);
        Assert.Equal(values.Order(), order.Select(i => values[i]));
    }
}
