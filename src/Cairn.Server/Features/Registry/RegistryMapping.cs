using System.Globalization;
using Cairn.Contracts.Mlflow;
using Cairn.Core.Registry;

namespace Cairn.Server.Features.Registry;

internal static class RegistryMapping
{
    public static RegisteredModelDto ToDto(this RegisteredModel model) => new(
        model.Name, model.CreationTimestamp, model.LastUpdatedTimestamp, model.UserId, model.Description,
        model.LatestVersions.Count == 0 ? null : model.LatestVersions.Select(ToDto).ToList(),
        model.Tags.Count == 0 ? null : model.Tags.Select(t => new KeyValueDto(t.Key, t.Value)).ToList(),
        model.Aliases.Count == 0 ? null : model.Aliases.Select(a => new RegisteredModelAliasDto(a.Alias, Text(a.Version))).ToList());

    /// <summary>Registration is synchronous, so status is always READY (clients poll while it is PENDING_REGISTRATION).</summary>
    public static ModelVersionDto ToDto(this ModelVersion version) => new(
        version.Name, Text(version.Version), version.CreationTimestamp, version.LastUpdatedTimestamp, version.UserId, version.CurrentStage,
        version.Description, version.Source, version.RunId, "READY",
        version.Tags.Count == 0 ? null : version.Tags.Select(t => new KeyValueDto(t.Key, t.Value)).ToList(),
        version.RunLink,
        version.Aliases.Count == 0 ? null : version.Aliases.ToList());

    private static string Text(long version) => version.ToString(CultureInfo.InvariantCulture);
}
