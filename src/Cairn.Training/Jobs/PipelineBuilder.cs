using Cairn.Training.Data;
using Cairn.Training.Evaluation;
using Cairn.Training.Trainers;
using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace Cairn.Training.Jobs;

/// <summary>
/// The estimator chain of a job: label preparation, feature preparation (missing numbers replaced by the mean, categories
/// one-hot encoded, text featurized, booleans as numbers), one Features vector, scaling for linear trainers, the trainer.
/// The saved model contains all of it, so it predicts from the raw columns.
/// </summary>
public static class PipelineBuilder
{
    public static IEstimator<ITransformer> Build(MLContext ml, TrainingSpec spec, TrainingTable table)
    {
        IEstimator<ITransformer> chain = spec.Task switch
        {
            PredictionTask.MulticlassClassification => ml.Transforms.Conversion.MapValueToKey(TrainerCatalog.LabelColumn, table.Label),
            _ when table.Label != TrainerCatalog.LabelColumn => ml.Transforms.CopyColumns(TrainerCatalog.LabelColumn, table.Label),
            _ => new Microsoft.ML.Data.EstimatorChain<ITransformer>(),
        };

        var parts = new List<string>();
        var numeric = table.Features.Where(f => f.Kind == FeatureKind.Numeric).Select(f => f.Name).ToList();
        if (numeric.Count > 0)
        {
            var pairs = numeric.Select(n => new InputOutputColumnPair(n + "__filled", n)).ToArray();
            chain = chain.Append(ml.Transforms.ReplaceMissingValues(pairs, MissingValueReplacingEstimator.ReplacementMode.Mean));
            parts.AddRange(pairs.Select(p => p.OutputColumnName));
        }

        foreach (var feature in table.Features.Where(f => f.Kind != FeatureKind.Numeric))
        {
            var output = feature.Name + "__" + feature.Kind.ToString().ToLowerInvariant();
            chain = feature.Kind switch
            {
                FeatureKind.Boolean => chain.Append(ml.Transforms.Conversion.ConvertType(output, feature.Name, Microsoft.ML.Data.DataKind.Single)),
                FeatureKind.Categorical => chain.Append(ml.Transforms.Categorical.OneHotEncoding(output, feature.Name)),
                _ => chain.Append(ml.Transforms.Text.FeaturizeText(output, feature.Name)),
            };
            parts.Add(output);
        }

        chain = chain.Append(ml.Transforms.Concatenate(TrainerCatalog.FeaturesColumn, [.. parts]));
        if (TrainerCatalog.Canonical(spec.Trainer.Name) is "sdca" or "lbfgs")
        {
            // Linear trainers converge far better on scaled features; trees do not care.
            chain = chain.Append(ml.Transforms.NormalizeMinMax(TrainerCatalog.FeaturesColumn));
        }

        return chain.Append(TrainerCatalog.Create(ml, spec.Trainer.Name, spec.Task, spec.Trainer.Hyperparameters));
    }

    /// <summary>For multiclass models, the predicted key turned back into the class name, so served predictions are readable.</summary>
    public static ITransformer ForServing(MLContext ml, PredictionTask task, ITransformer trained, IDataView trainingData)
    {
        if (task != PredictionTask.MulticlassClassification)
        {
            return trained;
        }

        var scored = trained.Transform(trainingData);
        var mapBack = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored);
        return new Microsoft.ML.Data.TransformerChain<ITransformer>(trained, mapBack);
    }
}
