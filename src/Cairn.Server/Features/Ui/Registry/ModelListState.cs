using System.Globalization;
using Cairn.Core.Registry;

namespace Cairn.Server.Features.Ui.Registry;

/// <summary>
/// What the model list shows for one query, carried from the prerendered page to its circuit ([PersistentState]) so the
/// list is read once and the rows stay on screen when the page turns interactive. Only the drawn fields, to keep the
/// page small.
/// </summary>
public sealed record ModelListState(string For, IReadOnlyList<ModelRow> Rows, string? Next, string? Error);

/// <summary>One row of the model list.</summary>
public sealed record ModelRow(string Name, string LatestVersion, string Aliases, long LastUpdated, string Description)
{
    public static ModelRow Of(RegisteredModel model) => new(
        model.Name,
        model.LatestVersions.Count == 0 ? "—" : "v" + model.LatestVersions.Max(v => v.Version).ToString(CultureInfo.InvariantCulture),
        string.Join(", ", model.Aliases.Select(a => $"{a.Alias} → v{a.Version}")),
        model.LastUpdatedTimestamp,
        model.Description);
}
