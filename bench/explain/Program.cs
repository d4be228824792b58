// TreeSHAP speed on a real ML.NET FastTree model: 100 trees over 50 numeric features, 10,000 rows explained.
// Trains the model, saves it as a model package, loads it back the way `cairn explain` does, then times each step.
// Also writes the package and the rows as CSV so the same work can be timed through the CLI.
//
//   dotnet run --project bench/explain -c Release -- [fasttree|lightgbm] [rows=10000] [trees=100] [leaves=64] [features=50] [output folder]
//
// lightgbm grows trees of depth at most 6 (the reference budget: 100 trees × depth 6, 50 features); fasttree grows
// leaf-wise without a depth limit, so its trees are deeper for the same number of leaves.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Models.Package;
using Cairn.Quality.Explain;
using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string trainer = args.Length > 0 ? args[0] : "lightgbm";
int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
int trees = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
int leaves = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 64;
int features = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;
string output = args.Length > 5 ? args[5] : Directory.CreateTempSubdirectory("cairn-bench-explain-").FullName;
Directory.CreateDirectory(output);

var names = Enumerable.Range(0, features).Select(i => $"x{i:00}").ToList();
Frame Data(int count, int seed, bool withLabel)
{
    var random = new Random(seed);
    var columns = names.Select(_ => new float[count]).ToArray();
    var label = new float[count];
    for (int r = 0; r < count; r++)
    {
        for (int j = 0; j < features; j++)
        {
            columns[j][r] = (float)(random.NextDouble() * 2 - 1);
        }

        // Ten informative features, two interactions, noise.
        label[r] = (float)(Enumerable.Range(0, 10).Sum(j => (10 - j) * columns[j][r]) + 4 * columns[0][r] * columns[1][r]
            + 3 * Math.Sin(3 * columns[2][r]) + random.NextDouble());
    }

    var list = names.Select((n, j) => Column.Of(n, columns[j])).ToList();
    if (withLabel)
    {
        list.Add(Column.Of("Label", label));
    }

    return new Frame(list);
}

var clock = Stopwatch.StartNew();
var ml = new MLContext(seed: 1);
var training = FrameDataView.Create(Data(20_000, 1, withLabel: true));
IEstimator<ITransformer> learner = trainer == "fasttree"
    ? ml.Regression.Trainers.FastTree(numberOfTrees: trees, numberOfLeaves: leaves)
    : ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
    {
        NumberOfIterations = trees,
        NumberOfLeaves = leaves,
        Booster = new GradientBooster.Options { MaximumTreeDepth = 6 },
    });
var pipeline = ml.Transforms.Concatenate("Features", [.. names]).Append(learner);
var trained = pipeline.Fit(training);
var folder = Path.Combine(output, "model");
Directory.CreateDirectory(folder);
var flavor = MlNetFlavor.Save(trained, training.Schema, folder);
await ModelPackage.CompleteAsync(folder, new Dictionary<string, IReadOnlyDictionary<string, object?>> { [MlNetFlavor.Name] = flavor },
    new ModelPackage.Details(MlNetFlavor.InferSignature(trained, training.Schema, "Label")), TimeProvider.System);
Console.WriteLine($"trained {trainer} ({trees} trees, {leaves} leaves, {features} features, 20,000 rows) in {clock.Elapsed.TotalSeconds:F1} s; package {folder}");

var model = (MlNetModel)await ModelPackage.LoadAsync(folder);
var explained = Data(rows, 2, withLabel: false);
var csv = new StringBuilder(string.Join(',', names)).Append('\n');
for (int r = 0; r < rows; r++)
{
    csv.AppendJoin(',', explained.Columns.Select(c => ((float[])c.Values)[r].ToString("R", CultureInfo.InvariantCulture))).Append('\n');
}

await File.WriteAllTextAsync(Path.Combine(output, "rows.csv"), csv.ToString());

clock.Restart();
var treeModel = MlNetTreeModel.TryRead(model, names) ?? throw new InvalidOperationException("not a tree model");
double read = clock.Elapsed.TotalMilliseconds;
clock.Restart();
var vectors = treeModel.Features(explained);
double featurize = clock.Elapsed.TotalMilliseconds;
clock.Restart();
treeModel.Ensemble.SetCover(vectors);
double cover = clock.Elapsed.TotalMilliseconds;
var shap = new TreeShap(treeModel.Ensemble);

// Warm up the JIT on a few rows, then time the batch (all cores) and one row at a time (one core).
shap.Explain(vectors.Take(50).ToList());
var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
clock.Restart();
var values = shap.Explain(vectors);
double batch = clock.Elapsed.TotalMilliseconds;
double batchCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMilliseconds;
int single = Math.Min(rows, 2000);
var cpu = Process.GetCurrentProcess().TotalProcessorTime;
clock.Restart();
for (int r = 0; r < single; r++)
{
    shap.Explain(vectors[r]);
}

double perRow = clock.Elapsed.TotalMilliseconds / single;
double cpuPerRow = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / single;
double worst = 0;
for (int r = 0; r < rows; r++)
{
    double prediction = treeModel.Ensemble.Predict(vectors[r]);
    worst = Math.Max(worst, Math.Abs(values[r].Sum() + shap.ExpectedValue - prediction) / Math.Max(1, Math.Abs(prediction)));
}

var ensemble = treeModel.Ensemble;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine($"ensemble: {ensemble.Trees.Count} trees, {ensemble.Trees.Sum(t => t.LeafValues.Length)} leaves, max depth {ensemble.MaxDepth}, {treeModel.SlotCount} slots");
Console.WriteLine($"read trees {read:F0} ms; featurize {rows} rows {featurize:F0} ms; cover from {rows} rows {cover:F0} ms");
Console.WriteLine($"TreeSHAP {rows} rows, all cores: {batch / 1000:F2} s wall ({batch / rows:F3} ms/row), {batchCpu / 1000:F2} s CPU time");
Console.WriteLine($"TreeSHAP one thread, {single} rows one by one: {perRow:F3} ms/row wall, {cpuPerRow:F3} ms/row CPU time");
Console.WriteLine($"load average while running: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"largest |E[f] + Σφ − f(x)| / max(1, |f(x)|): {worst:E2}");
Console.WriteLine($"CLI: dotnet artifacts/bin/Cairn.Cli/release/cairn.dll explain -m {folder} -i {Path.Combine(output, "rows.csv")} --rows {rows} --json {Path.Combine(output, "explanation.json")}");
