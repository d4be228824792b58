using System.Diagnostics;

namespace Cairn.Training.Tests.Support;

/// <summary>Runs the <c>cairn</c> executable built next to the tests as a separate process, as a user runs it.</summary>
public static class CairnProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cairn.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A test must never reach a server the developer happens to run.
        start.Environment.Remove("CAIRN_TRACKING_URI");
        start.Environment.Remove("MLFLOW_TRACKING_URI");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(300), TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>The repository root (the folder holding Cairn.slnx), for the example specs.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Cairn.slnx")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("Cairn.slnx not found above " + AppContext.BaseDirectory);
        }
    }
}
