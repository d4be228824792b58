using System.Globalization;

namespace Cairn.Server.Features.Ui.Registry;

/// <summary>The registry pages' addresses (relative to the base href), with the model name escaped.</summary>
internal static class RegistryLinks
{
    public static string Model(string name) => "models/" + Uri.EscapeDataString(name);

    public static string Version(string name, long version) => $"{Model(name)}/versions/{version.ToString(CultureInfo.InvariantCulture)}";

    public static string Compare(string name, long a, long b) =>
        $"{Model(name)}/compare?a={a.ToString(CultureInfo.InvariantCulture)}&b={b.ToString(CultureInfo.InvariantCulture)}";

    public static string Run(string runId) => "runs/" + Uri.EscapeDataString(runId);
}
