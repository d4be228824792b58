using System.Diagnostics;
using System.Globalization;
using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Training.Evaluation;
using Cairn.Training.Explain;
using Microsoft.ML;

namespace Cairn.Quality.Explain;

/// <summary>
/// Explains a loaded model on rows of data: exact TreeSHAP when the model is an ML.NET tree ensemble (FastTree,
/// FastForest, LightGBM), Kernel SHAP otherwise (any ML.NET or ONNX model), then partial dependence and ICE for the
/// most important features and, when the data holds the label, permutation importance.
/// </summary>
public static class ModelExplainer
{
    public const int MaxTreeBackground = 10_000;
    public const int DefaultKernelBackground = 100;

    /// <param name="inputs">The model's input columns, every row of the data set (background and grids are drawn from them).</param>
    /// <param name="label">The label column of the same rows, or null (then no permutation importance).</param>
    /// <param name="rowIds">Rows of <paramref name="inputs"/> to explain.</param>
    public static Explanation Explain(LoadedModel model, Frame inputs, Column? label, IReadOnlyList<int> rowIds, ExplainOptions options,
        CancellationToken cancellationToken = default)
    {
        if (inputs.RowCount == 0)
        {
            throw new ArgumentException("The data has no rows.");
        }

        var output = ModelOutput.For(model, inputs, options.Class);
        var features = inputs.Columns.Select(c => c.Name).ToList();
        var explained = FrameRows.Select(inputs, rowIds);
        var facts = new List<(string, string)> { ("model flavor", model.Flavor), ("explained output", output.Description) };
        // TreeSHAP explains the one score of a single ensemble; a per-class output (one ensemble per class) goes to Kernel SHAP.
        var trees = options.Method != ExplainMethod.Kernel && output.ClassIndex is null && model is MlNetModel mlnet ? MlNetTreeModel.TryRead(mlnet, features) : null;
        if (options.Method == ExplainMethod.Tree && output.ClassIndex is not null)
        {
            throw new NotSupportedException("--method tree explains a single score; a multiclass model is explained per class with Kernel SHAP (--method kernel or auto).");
        }

        if (options.Method == ExplainMethod.Tree && trees is null)
        {
            throw new NotSupportedException("--method tree needs an ML.NET FastTree, FastForest or LightGBM model; this model is not a tree ensemble (use --method kernel).");
        }

        var clock = Stopwatch.StartNew();
        (double Expected, double[] Predictions, double[][] Shap) values = trees is not null
            ? Tree(trees, inputs, explained, features, output, options, facts, cancellationToken)
            : Kernel(inputs, explained, output, options, facts, cancellationToken);
        facts.Add(("explained rows", rowIds.Count.ToString(CultureInfo.InvariantCulture)));
        facts.Add(("SHAP time per row", $"{clock.Elapsed.TotalMilliseconds / Math.Max(1, rowIds.Count):0.###} ms"));

        var numbers = rowIds.Select(r => inputs.Columns.Select(c => FrameRows.Number(c, r)).ToArray()).ToArray();
        var texts = rowIds.Select(r => inputs.Columns.Select(c => Convert.ToString(c.Values.GetValue(r), CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var draft = new Explanation(trees is not null ? "tree" : "kernel", output.Description, features, values.Expected, rowIds, values.Predictions, values.Shap,
            numbers, texts, [], null, null, facts);
        var dependence = Dependence(inputs, output, draft.Ranking().Take(options.DependenceFeatures).Select(j => features[j]), options, cancellationToken);
        var (permutation, metric) = Permutation(model, inputs, label, options, cancellationToken);
        return draft with { Dependence = dependence, Permutation = permutation, PermutationMetric = metric };
    }

    private static (double, double[], double[][]) Tree(MlNetTreeModel trees, Frame inputs, Frame explained, List<string> features, ModelOutput output,
        ExplainOptions options, List<(string, string)> facts, CancellationToken cancellationToken)
    {
        var background = Sample(inputs, options.Background ?? MaxTreeBackground, options.Seed);
        trees.Ensemble.SetCover(trees.Features(background));
        var shap = new TreeShap(trees.Ensemble);
        var vectors = trees.Features(explained);
        var byGroup = shap.Explain(vectors, cancellationToken);
        var predictions = vectors.Select(v => trees.Ensemble.Predict(v)).ToArray();

        // TreeSHAP numbers features as the ensemble groups its slots; report them in the model's input order.
        var position = trees.Ensemble.FeatureNames.Select(name => features.IndexOf(name)).ToArray();
        var extra = trees.Ensemble.FeatureNames.Where((_, g) => position[g] < 0).ToList();
        if (extra.Count > 0)
        {
            throw new NotSupportedException($"The trees split on slots that belong to no input column ({string.Join(", ", extra.Take(5))}); cannot attribute them.");
        }

        var phi = byGroup.Select(row =>
        {
            var ordered = new double[features.Count];
            for (int g = 0; g < row.Length; g++)
            {
                ordered[position[g]] += row[g];
            }

            return ordered;
        }).ToArray();

        // The ensemble read from the model must reproduce the model's own score, or the explanation explains something else.
        var check = output.Predict(FrameRows.Slice(explained, 0, Math.Min(explained.RowCount, 200)));
        double gap = check.Select((s, i) => Math.Abs(s - predictions[i]) / Math.Max(1, Math.Abs(s))).DefaultIfEmpty(0).Max();
        if (gap > 1e-4)
        {
            throw new InvalidOperationException($"The trees read from the model do not reproduce its '{output.Column}' output (relative gap {gap:g3}); cannot explain it exactly.");
        }

        facts.Add(("method", "exact path-dependent TreeSHAP"));
        facts.Add(("trees", $"{trees.Ensemble.Trees.Count} ({trees.Trainer}), max depth {trees.Ensemble.MaxDepth}, {trees.SlotCount} feature slots"));
        facts.Add(("node cover", $"routed from {background.RowCount} background rows (ML.NET keeps no per-node training counts)"));
        if (trees.Calibrated)
        {
            facts.Add(("calibration", "the model's probability is a calibrated function of the raw score; SHAP values explain the raw score"));
        }

        facts.Add(("largest gap to the model's score", gap.ToString("g3", CultureInfo.InvariantCulture)));
        return (shap.ExpectedValue, predictions, phi);
    }

    private static (double, double[], double[][]) Kernel(Frame inputs, Frame explained, ModelOutput output, ExplainOptions options,
        List<(string, string)> facts, CancellationToken cancellationToken)
    {
        var background = Sample(inputs, options.Background ?? DefaultKernelBackground, options.Seed);
        double f0 = output.Predict(background).Average();
        var predictions = output.Predict(explained);
        var kernel = new KernelShapOptions { Samples = options.KernelSamples, Seed = options.Seed };
        int m = inputs.Columns.Count;
        var phi = new double[explained.RowCount][];
        for (int r = 0; r < explained.RowCount; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Features equal to x in every background row cannot change the output: φ = 0, and they leave the regression.
            var varying = Enumerable.Range(0, m).Where(j => Varies(explained.Columns[j], r, background.Columns[j])).ToArray();
            int row = r;
            var reduced = KernelShap.Explain(varying.Length, predictions[r], f0, masks =>
            {
                var mixed = FrameRows.Coalitions(explained, row, background, masks, varying);
                var outputs = output.Predict(mixed);
                return Enumerable.Range(0, masks.Count).Select(k => outputs.AsSpan(k * background.RowCount, background.RowCount).ToArray().Average()).ToArray();
            }, kernel);
            phi[r] = new double[m];
            for (int k = 0; k < varying.Length; k++)
            {
                phi[r][varying[k]] = reduced[k];
            }
        }

        facts.Add(("method", "Kernel SHAP (interventional, background sample)"));
        facts.Add(("background", $"{background.RowCount} rows sampled from the data"));
        facts.Add(("coalitions per row", $"{kernel.BudgetFor(m)} (all of them when 2^M − 2 fits; M = {m})"));
        return (f0, predictions, phi);
    }

    private static bool Varies(Column column, int row, Column background)
    {
        var own = column.Values.GetValue(row);
        for (int k = 0; k < background.Length; k++)
        {
            if (!Equals(own, background.Values.GetValue(k)))
            {
                return true;
            }
        }

        return false;
    }

    private static List<PartialDependenceResult> Dependence(Frame inputs, ModelOutput output, IEnumerable<string> features, ExplainOptions options,
        CancellationToken cancellationToken)
    {
        var rows = Sample(inputs, options.DependenceRows, options.Seed + 1);
        var results = new List<PartialDependenceResult>();
        foreach (var name in features)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var column = inputs[name];
            IReadOnlyList<object> grid = column.Type switch
            {
                DataType.String => PartialDependence.CategoricalGrid(column.Values.Cast<string?>(), options.GridResolution),
                DataType.Boolean => [false, true],
                _ when !column.IsArray => PartialDependence.NumericGrid(Enumerable.Range(0, column.Length).Select(r => FrameRows.Number(column, r)), options.GridResolution)
                    .Select(v => column.Type is DataType.Integer or DataType.Long ? Math.Round(v) : v).Distinct().Cast<object>().ToList(),
                _ => [],
            };
            if (grid.Count == 0)
            {
                continue;
            }

            // One model call per grid point: every row with the feature set to that value.
            results.Add(PartialDependence.Compute(name, grid, rows.RowCount, g => output.Predict(FrameRows.WithValue(rows, name, grid[g]))));
        }

        return results;
    }

    private static (IReadOnlyList<FeatureImportance>?, string?) Permutation(LoadedModel model, Frame inputs, Column? label, ExplainOptions options,
        CancellationToken cancellationToken)
    {
        if (label is null || model is not MlNetModel mlnet || options.PermutationRepeats < 1)
        {
            return (null, null);
        }

        var ml = new MLContext(options.Seed);
        var sample = Sample(new Frame([.. inputs.Columns, label]), 2000, options.Seed + 2);
        var view = new FrameDataView(mlnet.InputSchema, sample);
        var scored = mlnet.Transformer.GetOutputSchema(mlnet.InputSchema);
        var score = scored.GetColumnOrNull("Score");
        var task = score?.Type is Microsoft.ML.Data.VectorDataViewType ? PredictionTask.MulticlassClassification
            : scored.GetColumnOrNull("PredictedLabel")?.Type is Microsoft.ML.Data.BooleanDataViewType ? PredictionTask.BinaryClassification
            : PredictionTask.Regression;
        string labelColumn = scored.GetColumnOrNull("Label") is not null ? "Label" : label.Name;
        var importances = PermutationImportance.Compute(ml, mlnet.Transformer, view, task, new PermutationImportanceOptions
        {
            LabelColumn = labelColumn,
            Columns = inputs.Columns.Select(c => c.Name).ToList(),
            ExcludedColumns = [label.Name],
            Repeats = options.PermutationRepeats,
            Seed = options.Seed,
        }, cancellationToken);
        return (importances, PermutationImportance.MetricName(task));
    }

    /// <summary>At most <paramref name="count"/> rows drawn without replacement (seeded), in data order; all rows when there are fewer.</summary>
    internal static Frame Sample(Frame data, int count, int seed)
    {
        if (count < 1)
        {
            throw new ArgumentException("The background needs at least one row.");
        }

        if (data.RowCount <= count)
        {
            return data;
        }

        var order = Enumerable.Range(0, data.RowCount).ToArray();
        new Random(seed).Shuffle(order);
        return FrameRows.Select(data, order.Take(count).Order().ToArray());
    }
}
