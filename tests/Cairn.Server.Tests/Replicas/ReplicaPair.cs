using Cairn.Server.Tests.Infrastructure;
using Cairn.Tests.Shared;

namespace Cairn.Server.Tests.Replicas;

/// <summary>
/// Two `cairn server` processes started at the same moment on one fresh (empty) PostgreSQL database and one S3 prefix,
/// configured the way an operator would (flags plus MLflow's S3 variables): the deployment behind a load balancer.
/// </summary>
public sealed class ReplicaPair : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public ServerProcess First { get; private set; } = null!;

    public ServerProcess Second { get; private set; } = null!;

    /// <summary>The shared database's connection string, for checks on what was stored.</summary>
    public string ConnectionString => _database!.ConnectionString;

    public string ArtifactsDestination { get; } = $"s3://{S3TestServer.Bucket}/replicas/{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        string[] arguments = ["--backend-store-uri", _database.Uri, "--artifacts-destination", ArtifactsDestination];
        var environment = new Dictionary<string, string>
        {
            ["MLFLOW_S3_ENDPOINT_URL"] = S3TestServer.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = S3TestServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3TestServer.SecretKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        };

        // Both start against the empty database at once: the schema migration races, and the advisory lock settles it.
        var starting = new[] { ServerProcess.StartAsync(arguments, environment), ServerProcess.StartAsync(arguments, environment) };
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            // Whatever started is kept for disposal, even if the other replica failed.
            First = starting[0].IsCompletedSuccessfully ? await starting[0] : null!;
            Second = starting[1].IsCompletedSuccessfully ? await starting[1] : null!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in new[] { First, Second })
        {
            if (replica is not null)
            {
                await replica.DisposeAsync();
            }
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
