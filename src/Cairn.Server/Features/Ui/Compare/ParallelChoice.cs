namespace Cairn.Server.Features.Ui.Compare;

/// <summary>
/// The parallel page's axes for one address (<see cref="For"/>): the numeric fields it offers and the ones it draws, as
/// field ids. Carried from the prerendered page to its circuit ([PersistentState]), so the circuit's first render reads
/// only the drawn columns rather than every param and metric of 10,000 runs a second time.
/// </summary>
public sealed record ParallelChoice(string For, List<string> Numeric, List<string> Drawn);
