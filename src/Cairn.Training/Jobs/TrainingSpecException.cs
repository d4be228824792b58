namespace Cairn.Training.Jobs;

/// <summary>A spec or its data is unusable; <see cref="Problems"/> lists each problem as "key: what is wrong".</summary>
public sealed class TrainingSpecException(IReadOnlyList<string> problems)
    : Exception(problems.Count == 1 ? problems[0] : "The training spec has problems:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public static TrainingSpecException One(string problem) => new([problem]);
}
