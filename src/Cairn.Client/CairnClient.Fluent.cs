using System.Reflection;
using Cairn.Core.Tracking;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>
    /// Starts a run in the named experiment (created when missing). Dispose the result to send everything
    /// queued and end the run: <c>await using var run = await client.StartRunAsync("credit");</c>
    /// </summary>
    public async Task<ActiveRun> StartRunAsync(string experimentName, string? runName = null, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var experimentId = await GetOrCreateExperimentAsync(experimentName, cancellationToken);
        return await StartRunInExperimentAsync(experimentId, runName, tags, cancellationToken);
    }

    /// <summary>Starts a run in an experiment given by id.</summary>
    public async Task<ActiveRun> StartRunInExperimentAsync(string experimentId, string? runName = null, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var allTags = new Dictionary<string, string>
        {
            [WellKnownTags.User] = Environment.UserName,
            ["mlflow.source.name"] = Assembly.GetEntryAssembly()?.GetName().Name ?? "dotnet",
            ["mlflow.source.type"] = "LOCAL",
        };
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            allTags[key] = value;
        }

        var run = await CreateRunAsync(experimentId, runName, allTags, cancellationToken);
        return new ActiveRun(this, run);
    }

    /// <summary>Continues logging to an existing run (for example one started by another process); dispose ends it.</summary>
    public async Task<ActiveRun> ResumeRunAsync(string runId, CancellationToken cancellationToken = default) =>
        new(this, await GetRunAsync(runId, cancellationToken));
}
