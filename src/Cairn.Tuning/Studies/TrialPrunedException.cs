namespace Cairn.Tuning.Studies;

/// <summary>Thrown by an objective (usually after <see cref="Trial.ShouldPrune"/>) to stop a trial early.</summary>
public sealed class TrialPrunedException(string? message = null) : Exception(message ?? "The trial was pruned.");
