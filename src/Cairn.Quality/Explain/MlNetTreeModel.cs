using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Cairn.Quality.Explain;

/// <summary>
/// The tree ensemble inside a saved ML.NET model (FastTree, FastForest, LightGBM), read from
/// <c>TreeEnsembleModelParameters.TrainedTreeEnsemble</c>, together with the transformers in front of it, so raw input
/// rows can be turned into the feature vector the trees split on.
/// <para>
/// What the public tree API gives and what it does not: split slot, threshold (a row goes left when
/// <c>x ≤ threshold</c>), categorical slot sets, leaf values and gains — but no per-node training counts. The cover the
/// path-dependent algorithm needs is therefore measured by routing background rows through the trees
/// (<see cref="TreeEnsemble.SetCover"/>). Nor is the per-node default for missing values LightGBM may carry exposed:
/// a NaN reaching a split compares false and goes right, as ML.NET does when no default is set. Cairn's training
/// pipeline fills missing numbers before the trees, so no NaN reaches them.
/// </para>
/// <para>
/// Slots are grouped into features by the raw input column they come from (slot names such as
/// <c>income__filled</c> or <c>home_ownership__categorical.rent</c> start with the column name), so a categorical
/// column's one-hot slots are one feature and its SHAP value is an exact Shapley value of the column.
/// </para>
/// </summary>
public sealed class MlNetTreeModel
{
    private readonly IReadOnlyList<ITransformer> _featurizer;
    private readonly DataViewSchema _inputSchema;
    private readonly string _featureColumn;

    private MlNetTreeModel(TreeEnsemble ensemble, IReadOnlyList<ITransformer> featurizer, DataViewSchema inputSchema, string featureColumn,
        string trainer, bool calibrated, int slotCount)
    {
        Ensemble = ensemble;
        _featurizer = featurizer;
        _inputSchema = inputSchema;
        _featureColumn = featureColumn;
        Trainer = trainer;
        Calibrated = calibrated;
        SlotCount = slotCount;
    }

    public TreeEnsemble Ensemble { get; }

    /// <summary>The model-parameters class, e.g. <c>FastTreeBinaryModelParameters</c>.</summary>
    public string Trainer { get; }

    /// <summary>True when a calibrator turns the ensemble's raw score into a probability; the raw score (margin) is what is explained.</summary>
    public bool Calibrated { get; }

    public int SlotCount { get; }

    /// <summary>The tree ensemble of <paramref name="model"/>, or null when its predictor is not a tree ensemble.</summary>
    /// <param name="rawColumns">The model's raw input columns; slots are grouped into these.</param>
    public static MlNetTreeModel? TryRead(MlNetModel model, IReadOnlyList<string> rawColumns)
    {
        var transformers = Flatten(model.Transformer).ToList();
        int index = transformers.FindLastIndex(t => t is ISingleFeaturePredictionTransformer<object>);
        if (index < 0)
        {
            return null;
        }

        var predictor = (ISingleFeaturePredictionTransformer<object>)transformers[index];
        var parameters = predictor.Model;
        bool calibrated = false;
        if (parameters is not TreeEnsembleModelParameters
            && parameters.GetType().GetProperties().Where(p => p.Name == "SubModel").Select(p => p.GetValue(parameters)).OfType<TreeEnsembleModelParameters>().FirstOrDefault() is { } subModel)
        {
            // CalibratedModelParametersBase<TSubModel, TCalibrator>: the trees sit in SubModel, the calibrator maps their sum to a probability.
            calibrated = true;
            parameters = subModel;
        }

        (IReadOnlyList<RegressionTreeBase> Trees, IReadOnlyList<double> Weights, double Bias)? trained = parameters switch
        {
            TreeEnsembleModelParametersBasedOnRegressionTree r => (r.TrainedTreeEnsemble.Trees, r.TrainedTreeEnsemble.TreeWeights, r.TrainedTreeEnsemble.Bias),
            TreeEnsembleModelParametersBasedOnQuantileRegressionTree q => (q.TrainedTreeEnsemble.Trees, q.TrainedTreeEnsemble.TreeWeights, q.TrainedTreeEnsemble.Bias),
            _ => null,
        };
        if (trained is null)
        {
            return null;
        }

        var featurizer = transformers.Take(index).ToList();
        var schema = model.InputSchema;
        var featureSchema = featurizer.Aggregate(schema, (s, t) => t.GetOutputSchema(s));
        var featureColumn = featureSchema.GetColumnOrNull(predictor.FeatureColumnName)
            ?? throw new InvalidOperationException($"The model's feature column '{predictor.FeatureColumnName}' is missing before its trainer.");
        int slots = featureColumn.Type is VectorDataViewType vector ? vector.Size : 1;
        var slotNames = SlotNames(featureColumn, slots);
        var (groupOfSlot, groupNames) = GroupSlots(slotNames, rawColumns);
        var trees = trained.Value.Trees.Select(t => Convert(t, groupOfSlot)).ToList();
        var weights = trained.Value.Weights;
        if (parameters is FastForestRegressionModelParameters)
        {
            // A FastForest regressor predicts the mean of its trees; ML.NET divides the ensemble's sum by the tree count.
            weights = weights.Select(w => w / trees.Count).ToList();
        }

        var ensemble = new TreeEnsemble(trees, weights, trained.Value.Bias, groupNames);
        return new MlNetTreeModel(ensemble, featurizer, schema, predictor.FeatureColumnName, parameters.GetType().Name, calibrated, slots);
    }

    /// <summary>The feature vectors the trees see for these raw rows.</summary>
    public List<float[]> Features(Frame rows)
    {
        IDataView view = new FrameDataView(_inputSchema, rows);
        foreach (var transformer in _featurizer)
        {
            view = transformer.Transform(view);
        }

        var column = view.Schema[_featureColumn];
        var result = new List<float[]>(rows.RowCount);
        using var cursor = view.GetRowCursor([column]);
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                var dense = new float[SlotCount];
                buffer.CopyTo(dense);
                result.Add(dense);
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                result.Add([value]);
            }
        }

        return result;
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer)
    {
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain.SelectMany(Flatten))
            {
                yield return inner;
            }
        }
        else
        {
            yield return transformer;
        }
    }

    private static string[] SlotNames(DataViewSchema.Column column, int slots)
    {
        var names = Enumerable.Range(0, slots).Select(i => $"{column.Name}[{i}]").ToArray();
        if (column.Type is VectorDataViewType && column.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            column.GetSlotNames(ref buffer);
            int i = 0;
            foreach (var name in buffer.DenseValues())
            {
                if (i < slots && !name.IsEmpty)
                {
                    names[i] = name.ToString();
                }

                i++;
            }
        }
        else if (column.Type is not VectorDataViewType)
        {
            names[0] = column.Name;
        }

        return names;
    }

    /// <summary>Each slot belongs to the longest raw column its name starts with (followed by the end, "__" or "."), else to itself.</summary>
    internal static (int[] GroupOfSlot, List<string> GroupNames) GroupSlots(IReadOnlyList<string> slotNames, IReadOnlyList<string> rawColumns)
    {
        var groups = new List<string>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var ordered = rawColumns.OrderByDescending(c => c.Length).ToList();
        var groupOfSlot = new int[slotNames.Count];
        for (int s = 0; s < slotNames.Count; s++)
        {
            string slot = slotNames[s];
            string owner = ordered.FirstOrDefault(c => slot == c || slot.StartsWith(c + "__", StringComparison.Ordinal) || slot.StartsWith(c + ".", StringComparison.Ordinal)) ?? slot;
            if (!byName.TryGetValue(owner, out int group))
            {
                group = groups.Count;
                byName[owner] = group;
                groups.Add(owner);
            }

            groupOfSlot[s] = group;
        }

        return (groupOfSlot, groups);
    }

    private static DecisionTree Convert(RegressionTreeBase tree, int[] groupOfSlot)
    {
        int internalNodes = tree.NumberOfNodes;
        var slot = tree.NumericalSplitFeatureIndexes.ToArray();
        var categorical = new int[]?[internalNodes];
        var feature = new int[internalNodes];
        for (int n = 0; n < internalNodes; n++)
        {
            if (tree.CategoricalSplitFlags[n])
            {
                categorical[n] = tree.GetCategoricalSplitFeaturesAt(n).ToArray();
                var owners = categorical[n]!.Select(s => groupOfSlot[s]).Distinct().ToList();
                if (owners.Count != 1)
                {
                    throw new NotSupportedException("A categorical split reads slots of more than one input column; TreeSHAP needs one feature per split.");
                }

                feature[n] = owners[0];
            }
            else
            {
                feature[n] = groupOfSlot[slot[n]];
            }
        }

        return new DecisionTree(tree.LeftChild.ToArray(), tree.RightChild.ToArray(), feature, slot, tree.NumericalSplitThresholds.ToArray(),
            categorical, tree.LeafValues.ToArray());
    }
}
