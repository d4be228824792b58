using Cairn.Contracts.Mlflow;
using Cairn.Core.Tracking;

namespace Cairn.Client;

public sealed partial class CairnClient
{
    /// <summary>Creates an experiment and returns its id.</summary>
    public async Task<string> CreateExperimentAsync(string name, string? artifactLocation = null, IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, Mlflow + "experiments/create", new CreateExperimentRequest(name, artifactLocation, Pairs(tags)),
            MlflowJson.CreateExperimentRequest, MlflowJson.CreateExperimentResponse, cancellationToken, idempotent: false)).ExperimentId;

    /// <summary>Gets an experiment by id.</summary>
    public async Task<ExperimentDto> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        (await GetAsync(Mlflow + "experiments/get" + Query(("experiment_id", experimentId)), MlflowJson.ExperimentResponse, cancellationToken)).Experiment;

    /// <summary>Gets an experiment by name, or null when there is none.</summary>
    public async Task<ExperimentDto?> FindExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await GetAsync(Mlflow + "experiments/get-by-name" + Query(("experiment_name", name)), MlflowJson.ExperimentResponse, cancellationToken)).Experiment;
        }
        catch (CairnClientException error) when (error.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
        {
            return null;
        }
    }

    /// <summary>The id of the named experiment, creating it when missing (safe against a concurrent creator).</summary>
    public async Task<string> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        if (await FindExperimentAsync(name, cancellationToken) is { } existing)
        {
            return existing.ExperimentId;
        }

        try
        {
            return await CreateExperimentAsync(name, cancellationToken: cancellationToken);
        }
        catch (CairnClientException error) when (error.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // Created by someone else between our lookup and our create: read theirs below.
        }

        return (await FindExperimentAsync(name, cancellationToken))?.ExperimentId
            ?? throw new CairnClientException(404, "RESOURCE_DOES_NOT_EXIST", $"Experiment '{name}' exists but could not be read.");
    }

    /// <summary>Every experiment matching the filter (all pages).</summary>
    public Task<List<ExperimentDto>> SearchExperimentsAsync(string? filter = null, IReadOnlyList<string>? orderBy = null, ViewType viewType = ViewType.ActiveOnly,
        CancellationToken cancellationToken = default) =>
        AllPagesAsync(token => SendAsync(HttpMethod.Post, Mlflow + "experiments/search",
                new SearchExperimentsRequest(1000, token, filter, orderBy?.ToList(), viewType), MlflowJson.SearchExperimentsRequest, MlflowJson.SearchExperimentsResponse, cancellationToken),
            page => (page.Experiments, page.NextPageToken));

    /// <summary>Renames an experiment.</summary>
    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "experiments/update", new UpdateExperimentRequest(experimentId, newName),
            MlflowJson.UpdateExperimentRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Marks an experiment and its runs deleted (restorable until garbage collection).</summary>
    public Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "experiments/delete", new ExperimentIdRequest(experimentId), MlflowJson.ExperimentIdRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Restores a deleted experiment.</summary>
    public Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "experiments/restore", new ExperimentIdRequest(experimentId), MlflowJson.ExperimentIdRequest, MlflowJson.EmptyResponse, cancellationToken);

    /// <summary>Sets a tag on an experiment.</summary>
    public Task SetExperimentTagAsync(string experimentId, string key, string value, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Mlflow + "experiments/set-experiment-tag", new SetExperimentTagRequest(experimentId, key, value),
            MlflowJson.SetExperimentTagRequest, MlflowJson.EmptyResponse, cancellationToken);
}
