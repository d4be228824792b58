namespace Cairn.Cli;

/// <summary>Progress lines from several workers, written one at a time, in the order they arrive.</summary>
internal sealed class LineProgress(Action<string> report) : IProgress<string>
{
    private readonly Lock _gate = new();

    public void Report(string value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
