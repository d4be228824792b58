using Cairn.Client;
using Cairn.Models.Data;
using Cairn.Models.MLNet;
using Cairn.Models.Sdk;
using Cairn.Training.Explain;
using Cairn.Training.Logging;
using Cairn.Training.Trainers;
using Microsoft.ML;

namespace Cairn.Training.Autolog;

/// <summary>What automatic logging produced: the fitted model, the logged metrics and the logged model.</summary>
public sealed record AutologResult(ITransformer Model, IReadOnlyDictionary<string, double> Metrics, LoggedModelInfo? LoggedModel);

/// <summary>
/// Automatic logging for ML.NET: wrap the <c>Fit</c> call and the run receives the trainer and its options, the dataset
/// inputs, the task's evaluation metrics, plots, permutation feature importance and the model itself.
/// </summary>
/// <example><code>
/// await using var run = await cairn.StartRunAsync("credit");
/// var result = await run.FitAndLogAsync(ml, pipeline, train, new MlNetAutologOptions { Task = PredictionTask.BinaryClassification, ValidationData = test });
/// </code></example>
public static class MlNetAutolog
{
    /// <summary>Permutation importance re-scores its rows once per column and repeat, so it looks at no more than this.</summary>
    public const int ImportanceRowLimit = 5_000;

    private const int DigestRowLimit = 10_000;

    public static async Task<AutologResult> FitAndLogAsync(this ActiveRun run, MLContext ml, IEstimator<ITransformer> estimator, IDataView trainingData,
        MlNetAutologOptions options, CancellationToken cancellationToken = default)
    {
        try
        {
            var trainer = TrainerDiscovery.Find(estimator);
            var label = options.LabelColumn ?? trainer?.LabelColumn ?? "Label";
            LogTrainer(run, trainer);
            await run.LogInputAsync(Dataset(ml, options.DatasetName, trainingData), "training", cancellationToken);
            if (options.ValidationData is { } validation)
            {
                await run.LogInputAsync(Dataset(ml, options.DatasetName + "_validation", validation), "validation", cancellationToken);
            }

            var model = estimator.Fit(trainingData);
            var evaluated = options.ValidationData ?? trainingData;
            var prefix = options.ValidationData is null ? "training_" : "";
            var columns = new Evaluation.ScoredColumns { Label = trainer?.LabelColumn ?? label };
            var evaluation = TaskEvaluation.Of(ml, options.Task, model.Transform(evaluated), columns);
            var metrics = evaluation.Metrics.ToDictionary(m => prefix + m.Key, m => m.Value);
            run.LogMetrics(metrics);
            var plots = options.Plots ? evaluation.Plots.ToList() : [];
            if (options.FeatureImportanceRepeats > 0)
            {
                var importances = PermutationImportance.Compute(ml, model, ml.Data.TakeRows(evaluated, ImportanceRowLimit), options.Task, new PermutationImportanceOptions
                {
                    LabelColumn = columns.Label,
                    ExcludedColumns = [label],
                    Repeats = options.FeatureImportanceRepeats,
                    Seed = options.Seed,
                }, cancellationToken);
                await run.LogTextAsync(FeatureImportanceReport.Json(importances, options.Task, options.FeatureImportanceRepeats), FeatureImportanceReport.JsonFile, cancellationToken);
                if (options.Plots)
                {
                    plots.Add((FeatureImportanceReport.PlotFile, FeatureImportanceReport.Svg(importances, options.Task)));
                }
            }

            foreach (var (file, svg) in plots)
            {
                await run.LogTextAsync(svg, "plots/" + file, cancellationToken);
            }

            LoggedModelInfo? logged = null;
            if (options.LogModel)
            {
                var example = Inputs(DataViewReader.Read(ml.Data.TakeRows(trainingData, 5)), label);
                logged = await run.LogModelAsync(model, trainingData.Schema, inputExample: example, registeredModelName: options.RegisteredModelName,
                    labelColumn: label, cancellationToken: cancellationToken);
            }

            await run.FlushAsync(cancellationToken);
            return new AutologResult(model, metrics, logged);
        }
        catch
        {
            run.Fail();
            throw;
        }
    }

    private static void LogTrainer(ActiveRun run, DiscoveredTrainer? trainer)
    {
        if (trainer is null)
        {
            return;
        }

        run.LogParam("trainer", trainer.Name);
        if (trainer.Options is { } options)
        {
            run.LogParams(TrainerCatalog.OptionValues(options));
        }
    }

    private static Frame Inputs(Frame frame, string label) => new(frame.Columns.Where(c => c.Name != label).ToList());

    private static Contracts.Mlflow.DatasetDto Dataset(MLContext ml, string name, IDataView data)
    {
        var rows = data.GetRowCount() ?? Count(data);
        var sample = DataViewReader.Read(ml.Data.TakeRows(data, DigestRowLimit));
        return DatasetEntity.ForData(name, sample, rows);
    }

    private static long Count(IDataView data)
    {
        long rows = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            rows++;
        }

        return rows;
    }
}
