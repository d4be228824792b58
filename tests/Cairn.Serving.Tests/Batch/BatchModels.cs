using Cairn.Models.MLNet;
using Cairn.Models.Package;
using Cairn.Sdk.Tests.Models;
using Microsoft.ML;

namespace Cairn.Serving.Tests.Batch;

/// <summary>Model folders and input files for batch prediction tests.</summary>
internal static class BatchModels
{
    public static readonly string[] Inputs = ["X1", "X2", "X3", "X4", "Segment"];

    /// <summary>An ML.NET binary classifier over the synthetic rows, saved as a local model package.</summary>
    public static async Task<string> WriteClassifierAsync(string parent)
    {
        var ml = new MLContext(seed: 5);
        var data = SyntheticData.Load(ml, 400, seed: 8);
        var model = ml.Transforms.Categorical.OneHotEncoding("SegmentKey", "Segment")
            .Append(ml.Transforms.Concatenate("Features", "X1", "X2", "X3", "X4", "SegmentKey"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(labelColumnName: "Label"))
            .Fit(data);
        var directory = Directory.CreateDirectory(Path.Combine(parent, "classifier")).FullName;
        var flavor = MlNetFlavor.Save(model, data.Schema, directory);
        var signature = MlNetFlavor.InferSignature(model, data.Schema, "Label", Inputs);
        await ModelPackage.CompleteAsync(directory, new Dictionary<string, IReadOnlyDictionary<string, object?>> { [MlNetFlavor.Name] = flavor },
            new ModelPackage.Details(signature), TimeProvider.System);
        return directory;
    }

    /// <summary>A CSV of synthetic rows with an id column; <paramref name="edit"/> may rewrite any data line (0-based).</summary>
    public static string WriteCsv(string path, int rows, int seed, Func<int, string, string>? edit = null)
    {
        var lines = new List<string> { "id,X1,X2,X3,X4,Segment" };
        var data = SyntheticData.Rows(rows, seed);
        for (var i = 0; i < data.Count; i++)
        {
            var r = data[i];
            var line = FormattableString.Invariant($"id-{i},{r.X1:R},{r.X2:R},{r.X3:R},{r.X4:R},{r.Segment}");
            lines.Add(edit?.Invoke(i, line) ?? line);
        }

        File.WriteAllLines(path, lines);
        return path;
    }
}
