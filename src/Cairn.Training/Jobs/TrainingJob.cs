using System.Globalization;
using Cairn.Client;
using Cairn.Models.MLNet;
using Cairn.Models.Sdk;
using Cairn.Training.Data;
using Cairn.Training.Evaluation;
using Cairn.Training.Explain;
using Cairn.Training.Logging;
using Cairn.Training.Trainers;
using Microsoft.ML;

namespace Cairn.Training.Jobs;

/// <summary>What a finished job produced.</summary>
public sealed record TrainingResult(string RunId, string ExperimentId, IReadOnlyDictionary<string, double> Metrics, LoggedModelInfo Model);

/// <summary>
/// Runs a training job: reads and types the data, logs params and the dataset, trains (one split or k folds), evaluates,
/// logs metrics and plots, logs the model (and registers it when the spec asks). Any failure ends the run FAILED.
/// </summary>
public sealed class TrainingJob(CairnClient client)
{
    /// <param name="tags">Extra run tags, e.g. <c>mlflow.parentRunId</c> when the job is one trial of a tuning study.</param>
    /// <param name="afterFold">Called with each fold's number and metrics (k-fold jobs); throwing
    /// <see cref="Cairn.Tuning.Studies.TrialPrunedException"/> stops the job and ends its run KILLED.</param>
    public async Task<TrainingResult> RunAsync(TrainingSpec spec, string? specFile = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, string>? tags = null, Action<int, IReadOnlyDictionary<string, double>>? afterFold = null)
    {
        progress?.Report("Reading data");
        var (path, table) = await LoadTableAsync(spec, cancellationToken);
        var ml = new MLContext(seed: spec.Split.Seed);
        var data = ml.Data.Cache(FrameDataView.Create(table.Frame));

        var runTags = new Dictionary<string, string>(tags ?? new Dictionary<string, string>())
        {
            ["cairn.job.trainer"] = TrainerCatalog.ClassName(spec.Trainer.Name, spec.Task),
            ["mlflow.source.name"] = specFile is null ? "cairn train" : Path.GetFileName(specFile),
        };
        await using var run = await client.StartRunAsync(spec.Experiment, spec.RunName, runTags, cancellationToken);
        try
        {
            LogParams(run, spec, table);
            await run.LogInputAsync(DatasetEntity.ForFile(path, table.Frame), "training", cancellationToken);
            if (specFile is not null)
            {
                await run.LogArtifactAsync(specFile, null, cancellationToken);
            }

            progress?.Report("Training");
            var estimator = PipelineBuilder.Build(ml, spec, table);
            var outcome = spec.Split.IsCrossValidation
                ? CrossValidate(ml, spec, estimator, data, run, progress, afterFold)
                : Holdout(ml, spec, estimator, data);

            progress?.Report("Evaluating");
            var evaluation = TaskEvaluation.Of(ml, spec.Task, outcome.Scored);
            var logged = Select(spec.Split.IsCrossValidation ? outcome.Metrics : evaluation.Metrics, spec.Metrics);
            run.LogMetrics(logged);
            var plots = spec.Plots ? evaluation.Plots.ToList() : [];
            if (spec.FeatureImportanceRepeats > 0)
            {
                progress?.Report("Computing permutation feature importance");
                var (json, svg) = FeatureImportanceArtifacts(ml, spec, table, outcome);
                await run.LogTextAsync(json, FeatureImportanceReport.JsonFile, cancellationToken);
                if (spec.Plots)
                {
                    plots.Add((FeatureImportanceReport.PlotFile, svg));
                }
            }

            foreach (var (file, svg) in plots)
            {
                await run.LogTextAsync(svg, "plots/" + file, cancellationToken);
            }

            progress?.Report("Logging model");
            var serving = PipelineBuilder.ForServing(ml, spec.Task, outcome.Model, data);
            var example = new Cairn.Models.Data.Frame(table.Frame.Head(5).Columns.Where(c => c.Name != table.Label).ToList());
            var model = await run.LogModelAsync(serving, data.Schema, inputExample: example, registeredModelName: spec.RegisterAs,
                labelColumn: table.Label, cancellationToken: cancellationToken);
            await run.FlushAsync(cancellationToken);
            return new TrainingResult(run.RunId, run.ExperimentId, logged, model);
        }
        catch (Cairn.Tuning.Studies.TrialPrunedException)
        {
            run.SetTag("cairn.tune.state", "pruned");
            await run.EndAsync(Core.Tracking.RunStatus.Killed, CancellationToken.None);
            throw;
        }
        catch
        {
            run.Fail();
            throw;
        }
    }

    /// <summary>Reads the data file and types it as the spec says; every problem is a <see cref="TrainingSpecException"/>.</summary>
    public static async Task<(string Path, TrainingTable Table)> LoadTableAsync(TrainingSpec spec, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(spec.Data.Path, spec.BaseDirectory);
        if (!File.Exists(path))
        {
            throw TrainingSpecException.One($"data.path: '{path}' does not exist.");
        }

        RawTable raw;
        try
        {
            raw = spec.Data.Format == "parquet"
                ? await ParquetTable.ReadAsync(path, cancellationToken)
                : CsvTable.Read(path, spec.Data.Separator, spec.Data.Header, spec.Data.SkipRows, spec.Data.Columns);
        }
        catch (Exception error) when (error is FormatException or IOException or InvalidDataException)
        {
            throw TrainingSpecException.One($"data: '{path}' cannot be read: {error.Message}");
        }

        return (path, TrainingTable.Build(raw, spec.Data, spec.Task));
    }

    private static void LogParams(ActiveRun run, TrainingSpec spec, TrainingTable table)
    {
        run.LogParam("task", spec.Task.ToString());
        run.LogParam("trainer", TrainerCatalog.ClassName(spec.Trainer.Name, spec.Task));
        run.LogParam("label", table.Label);
        run.LogParam("feature_count", table.Features.Count.ToString(CultureInfo.InvariantCulture));
        run.LogParam("split", spec.Split.IsCrossValidation ? $"{spec.Split.Folds}-fold" : $"holdout {spec.Split.ValidationFraction.ToString(CultureInfo.InvariantCulture)}");
        run.LogParam("split_seed", spec.Split.Seed.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in TrainerCatalog.EffectiveHyperparameters(spec.Trainer.Name, spec.Task, spec.Trainer.Hyperparameters).Take(90))
        {
            run.LogParam(key, value);
        }
    }

    /// <summary>
    /// What training produced: the model to log, the scored validation rows, and the model and rows that permutation
    /// importance measures (for k folds: the first fold's, since the final model has seen every row).
    /// </summary>
    private sealed record Outcome(ITransformer Model, IDataView Scored, IReadOnlyDictionary<string, double> Metrics,
        ITransformer ExplainedModel, IDataView ExplainedRows);

    private static Outcome Holdout(MLContext ml, TrainingSpec spec, IEstimator<ITransformer> estimator, IDataView data)
    {
        var split = ml.Data.TrainTestSplit(data, spec.Split.ValidationFraction, seed: spec.Split.Seed);
        var model = estimator.Fit(split.TrainSet);
        return new Outcome(model, model.Transform(split.TestSet), new Dictionary<string, double>(), model, split.TestSet);
    }

    /// <summary>Each fold's metrics go into the metric history (step = fold); the logged value is the mean, with <c>_std</c> beside it.</summary>
    private static Outcome CrossValidate(MLContext ml, TrainingSpec spec, IEstimator<ITransformer> estimator,
        IDataView data, ActiveRun run, IProgress<string>? progress, Action<int, IReadOnlyDictionary<string, double>>? afterFold)
    {
        var folds = ml.Data.CrossValidationSplit(data, spec.Split.Folds, seed: spec.Split.Seed);
        var perFold = new List<IReadOnlyDictionary<string, double>>();
        (ITransformer Model, IDataView Rows, IDataView Scored)? first = null;
        for (var f = 0; f < folds.Count; f++)
        {
            progress?.Report($"Training fold {f + 1} of {folds.Count}");
            var foldModel = estimator.Fit(folds[f].TrainSet);
            var scored = foldModel.Transform(folds[f].TestSet);
            first ??= (foldModel, folds[f].TestSet, scored);
            var metrics = Select(TaskEvaluation.Of(ml, spec.Task, scored).Metrics, spec.Metrics);
            foreach (var (key, value) in metrics)
            {
                run.LogMetric("fold_" + key, value, f);
            }

            perFold.Add(metrics);
            afterFold?.Invoke(f, metrics);
        }

        var summary = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in perFold[0].Keys.Where(k => perFold.All(m => m.ContainsKey(k))))
        {
            var values = perFold.Select(m => m[key]).ToList();
            var mean = values.Average();
            summary[key] = mean;
            summary[key + "_std"] = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
        }

        progress?.Report("Training the final model on every row");
        var final = estimator.Fit(data);
        return new Outcome(final, first!.Value.Scored, summary, first.Value.Model, first.Value.Rows);
    }

    /// <summary>Importance of each raw input column as JSON (most important first) and as a bar chart.</summary>
    private static (string Json, string Svg) FeatureImportanceArtifacts(MLContext ml, TrainingSpec spec, TrainingTable table, Outcome outcome)
    {
        var importances = PermutationImportance.Compute(ml, outcome.ExplainedModel, outcome.ExplainedRows, spec.Task, new PermutationImportanceOptions
        {
            LabelColumn = TrainerCatalog.LabelColumn,
            Columns = table.Features.Select(f => f.Name).ToList(),
            ExcludedColumns = [table.Label],
            Repeats = spec.FeatureImportanceRepeats,
            Seed = spec.Split.Seed,
        });
        return (FeatureImportanceReport.Json(importances, spec.Task, spec.FeatureImportanceRepeats), FeatureImportanceReport.Svg(importances, spec.Task));
    }

    private static IReadOnlyDictionary<string, double> Select(IReadOnlyDictionary<string, double> metrics, IReadOnlyList<string> wanted) =>
        wanted.Count == 0 ? metrics : metrics.Where(m => wanted.Contains(m.Key)).ToDictionary(m => m.Key, m => m.Value);
}
