using System.Diagnostics;
using Cairn.Client;
using Cairn.Models.Package;
using Cairn.Training.Jobs;

namespace Cairn.Cli.Commands;

/// <summary>
/// What <c>train</c>, <c>tune</c> and <c>automl</c> share once their spec is checked: timed progress lines on stderr, a
/// client for the tracking server, and one mapping of failures to messages and exit codes.
/// </summary>
internal static class JobExecution
{
    public static async Task<int> RunAsync(IConsoleOutput console, string file, string? trackingUri, string failureLabel,
        Func<CairnClient, IProgress<string>, Task<int>> job)
    {
        var clock = Stopwatch.StartNew();
        var progress = new LineProgress(line => console.Info($"[{clock.Elapsed.TotalSeconds,7:0.0}s] {line}"));
        try
        {
            using var client = CairnClient.Create(trackingUri);
            return await job(client, progress);
        }
        catch (TrainingSpecException exception)
        {
            console.Error($"{file}: {exception.Message}");
            return ExitCodes.InvalidConfiguration;
        }
        catch (CairnClientException exception)
        {
            console.Error($"{exception.ErrorCode}: {exception.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception exception) when (exception is HttpRequestException or ModelPackageException or IOException or InvalidOperationException or ArgumentException)
        {
            // ML.NET reports bad trainer settings and degenerate data this way; the run is already marked FAILED.
            console.Error($"{failureLabel} failed: {exception.Message}");
            return ExitCodes.Failure;
        }
    }
}
