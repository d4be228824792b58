using Cairn.Core.Registry;
using Cairn.Server.Features.Tracking;
using Cairn.Server.Mlflow;

namespace Cairn.Server.Features.Registry;

public static class RegistryEndpoints
{
    public static IEndpointRouteBuilder MapRegistryEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in TrackingEndpoints.Prefixes)
        {
            var group = app.MapGroup(prefix).AddEndpointFilter<MlflowErrorFilter>();
            RegisteredModelEndpoints.Map(group);
            ModelVersionEndpoints.Map(group);
        }

        return app;
    }

    /// <summary>The file path inside a model version's storage location, for the UI's get-artifact route.</summary>
    internal static string ArtifactStoragePath(ModelVersion version) =>
        version.StorageLocation.StartsWith(ModelSources.ManagedPrefix, StringComparison.Ordinal)
            ? version.StorageLocation[ModelSources.ManagedPrefix.Length..]
            : throw Core.CairnException.InvalidParameter($"Model version {version.Name}/{version.Version} is not stored in managed storage.");
}
