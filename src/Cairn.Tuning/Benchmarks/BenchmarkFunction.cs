namespace Cairn.Tuning.Benchmarks;

/// <summary>
/// A test function for optimisers (minimisation) with its box and known global minimum; regret = best found − minimum.
/// Definitions as in the Virtual Library of Simulation Experiments.
/// </summary>
public sealed record BenchmarkFunction(string Name, (double Low, double High)[] Domain, double Minimum, double[][] Minimisers, Func<double[], double> Evaluate)
{
    public int Dimensions => Domain.Length;

    public static BenchmarkFunction Branin { get; } = new("branin", [(-5, 10), (0, 15)], 0.397887,
        [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]], x =>
        {
            const double a = 1, r = 6, s = 10;
            double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
            var term = x[1] - b * x[0] * x[0] + c * x[0] - r;
            return a * term * term + s * (1 - t) * Math.Cos(x[0]) + s;
        });

    public static BenchmarkFunction Hartmann3 { get; } = new("hartmann3", Unit(3), -3.86278, [[0.114614, 0.555649, 0.852547]], x => Hartmann(x,
        [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]],
        [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]));

    public static BenchmarkFunction Hartmann6 { get; } = new("hartmann6", Unit(6), -3.32237, [[0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]], x => Hartmann(x,
        [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]],
        [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]));

    public static BenchmarkFunction Rosenbrock2 { get; } = new("rosenbrock2", [(-5, 10), (-5, 10)], 0, [[1, 1]], x =>
        Enumerable.Range(0, x.Length - 1).Sum(i => 100 * Math.Pow(x[i + 1] - x[i] * x[i], 2) + Math.Pow(x[i] - 1, 2)));

    public static BenchmarkFunction Ackley2 { get; } = new("ackley2", [(-32.768, 32.768), (-32.768, 32.768)], 0, [[0, 0]], x =>
    {
        const double a = 20, b = 0.2, c = 2 * Math.PI;
        var d = x.Length;
        return -a * Math.Exp(-b * Math.Sqrt(x.Sum(v => v * v) / d)) - Math.Exp(x.Sum(v => Math.Cos(c * v)) / d) + a + Math.E;
    });

    public static BenchmarkFunction SixHumpCamel { get; } = new("camel", [(-3, 3), (-2, 2)], -1.0316284, [[0.0898, -0.7126], [-0.0898, 0.7126]], x =>
        (4 - 2.1 * x[0] * x[0] + Math.Pow(x[0], 4) / 3) * x[0] * x[0] + x[0] * x[1] + (-4 + 4 * x[1] * x[1]) * x[1] * x[1]);

    public static IReadOnlyList<BenchmarkFunction> All { get; } = [Branin, Hartmann3, Hartmann6, SixHumpCamel, Rosenbrock2, Ackley2];

    private static (double, double)[] Unit(int d) => Enumerable.Repeat((0.0, 1.0), d).ToArray();

    private static double Hartmann(double[] x, double[][] a, double[][] p)
    {
        double[] alpha = [1.0, 1.2, 3.0, 3.2];
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < x.Length; j++)
            {
                inner += a[i][j] * Math.Pow(x[j] - p[i][j] * 1e-4, 2);
            }

            sum += alpha[i] * Math.Exp(-inner);
        }

        return -sum;
    }
}
