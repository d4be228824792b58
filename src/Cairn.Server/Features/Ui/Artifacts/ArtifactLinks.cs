using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Ui.Artifacts;

/// <summary>The URLs of the artifact pages: every state (file, head or tail, page, zoom) is a link.</summary>
internal static class ArtifactLinks
{
    public static string Page(RunId runId, string? path = null, string? view = null, long? offset = null, double? zoom = null)
    {
        var query = new List<string>();
        if (path is not null)
        {
            query.Add($"path={Uri.EscapeDataString(path)}");
        }

        if (view is not null)
        {
            query.Add($"view={view}");
        }

        if (offset is { } o)
        {
            query.Add($"offset={o.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (zoom is { } z)
        {
            query.Add($"zoom={z.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return $"runs/{runId}/artifacts" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    public static string Diff(string left, string right, string path) =>
        $"artifacts/diff?left={Uri.EscapeDataString(left)}&right={Uri.EscapeDataString(right)}&path={Uri.EscapeDataString(path)}";
}
