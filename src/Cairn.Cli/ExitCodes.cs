namespace Cairn.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int InvalidConfiguration = 2;

    /// <summary>The job finished, but some rows could not be processed (they are listed in its error report).</summary>
    public const int CompletedWithRowErrors = 3;
}
