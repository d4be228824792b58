using Cairn.Training.Evaluation;

namespace Cairn.Training.Jobs;

/// <summary>A training job as written in <c>job.yaml</c> (see docs/training-jobs.md for every key).</summary>
public sealed record TrainingSpec
{
    public string? RunName { get; init; }

    public required string Experiment { get; init; }

    public required PredictionTask Task { get; init; }

    public required DataSpec Data { get; init; }

    public required SplitSpec Split { get; init; }

    public required TrainerSpec Trainer { get; init; }

    /// <summary>Metric names to log; empty means every metric of the task.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    public string? RegisterAs { get; init; }

    public bool Plots { get; init; } = true;

    /// <summary>Permutation importance repeats; 0 turns it off.</summary>
    public int FeatureImportanceRepeats { get; init; } = 3;

    /// <summary>The spec file's directory: relative data paths start there.</summary>
    public string BaseDirectory { get; init; } = ".";
}

public enum FeatureKind
{
    Numeric,
    Boolean,
    Categorical,
    Text,
}

public sealed record FeatureSpec(string Name, FeatureKind Kind);

public sealed record DataSpec
{
    public required string Path { get; init; }

    public required string Format { get; init; }

    public bool Header { get; init; } = true;

    public int SkipRows { get; init; }

    public char Separator { get; init; } = ',';

    /// <summary>Column names for a file without a header row.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    public required string Label { get; init; }

    /// <summary>Null: every column but the label and the ignored ones, with kinds inferred from the values.</summary>
    public IReadOnlyList<FeatureSpec>? Features { get; init; }

    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>For binary tasks whose label is text: the value that means "true".</summary>
    public string? PositiveClass { get; init; }
}

public sealed record SplitSpec(double ValidationFraction, int Folds, int Seed)
{
    public bool IsCrossValidation => Folds > 1;
}

public sealed record TrainerSpec(string Name, IReadOnlyDictionary<string, object?> Hyperparameters);
