using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Training.Tests.Support;

/// <summary>Small seeded data sets with a known structure, and models trained on them.</summary>
internal static class Blobs
{
    public sealed class BinaryRow
    {
        public float Signal { get; set; }

        public float Noise { get; set; }

        public bool Label { get; set; }
    }

    public sealed class MulticlassRow
    {
        public float X { get; set; }

        public float Y { get; set; }

        public string Label { get; set; } = "";
    }

    public sealed class RegressionRow
    {
        public float Strong { get; set; }

        public double Weak { get; set; }

        public int Count { get; set; }

        public bool Flag { get; set; }

        public string Colour { get; set; } = "";

        public float Label { get; set; }
    }

    public static List<BinaryRow> Binary(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            bool label = random.NextDouble() < 0.4;
            return new BinaryRow { Label = label, Signal = (float)(Normal(random) + (label ? 1.2 : 0)), Noise = (float)Normal(random) };
        }).ToList();
    }

    public static List<MulticlassRow> Multiclass(int rows, int seed)
    {
        string[] names = ["north & co", "south", "west"];
        (double X, double Y)[] centres = [(0, 2), (-1.7, -1), (1.7, -1)];
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            int k = random.Next(3);
            return new MulticlassRow { Label = names[k], X = (float)(centres[k].X + Normal(random)), Y = (float)(centres[k].Y + Normal(random)) };
        }).ToList();
    }

    /// <summary>The label depends strongly on Strong, weakly on Weak, and not at all on Count, Flag or Colour.</summary>
    public static List<RegressionRow> Regression(int rows, int seed)
    {
        string[] colours = ["red", "green", "blue"];
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var row = new RegressionRow
            {
                Strong = (float)Normal(random),
                Weak = Normal(random),
                Count = random.Next(0, 10),
                Flag = random.NextDouble() < 0.5,
                Colour = colours[random.Next(3)],
            };
            row.Label = (float)(3 * row.Strong + 0.8 * row.Weak + 0.3 * Normal(random));
            return row;
        }).ToList();
    }

    public static ITransformer TrainBinary(MLContext ml, IDataView train) =>
        ml.Transforms.Concatenate("Features", nameof(BinaryRow.Signal), nameof(BinaryRow.Noise))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(train);

    public static ITransformer TrainMulticlass(MLContext ml, IDataView train) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Concatenate("Features", nameof(MulticlassRow.X), nameof(MulticlassRow.Y)))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy())
            .Fit(train);

    public static ITransformer TrainRegression(MLContext ml, IDataView train) =>
        ml.Transforms.Conversion.ConvertType("WeakF", nameof(RegressionRow.Weak), DataKind.Single)
            .Append(ml.Transforms.Conversion.ConvertType("CountF", nameof(RegressionRow.Count), DataKind.Single))
            .Append(ml.Transforms.Conversion.ConvertType("FlagF", nameof(RegressionRow.Flag), DataKind.Single))
            .Append(ml.Transforms.Categorical.OneHotEncoding("ColourOneHot", nameof(RegressionRow.Colour)))
            .Append(ml.Transforms.Concatenate("Features", nameof(RegressionRow.Strong), "WeakF", "CountF", "FlagF", "ColourOneHot"))
            .Append(ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 50))
            .Fit(train);

    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
