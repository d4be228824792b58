using Cairn.Tuning.Benchmarks;

namespace Cairn.Tuning.Tests;

public sealed class BenchmarkFunctionTests
{
    public static TheoryData<string, double> Minima => new()
    {
        { "branin", 0.3978874 }, { "hartmann3", -3.8627798 }, { "hartmann6", -3.3223680 }, { "camel", -1.0316284 }, { "rosenbrock2", 0 }, { "ackley2", 0 },
    };

    [Theory]
    [MemberData(nameof(Minima))]
    public void EachMinimiser_GivesTheKnownMinimum(string name, double expected)
    {
        var function = BenchmarkFunction.All.Single(f => f.Name == name);

        foreach (var minimiser in function.Minimisers)
        {
            Assert.Equal(expected, function.Evaluate(minimiser), 1e-5);
        }

        Assert.Equal(expected, function.Minimum, 1e-5);
    }

    [Fact]
    public void NoRandomPoint_BeatsTheMinimum()
    {
        var random = new Random(3);
        foreach (var function in BenchmarkFunction.All)
        {
            for (var i = 0; i < 20_000; i++)
            {
                var x = function.Domain.Select(d => d.Low + random.NextDouble() * (d.High - d.Low)).ToArray();
                Assert.True(function.Evaluate(x) >= function.Minimum - 1e-5, $"{function.Name} at ({string.Join(", ", x)})");
            }
        }
    }
}
