using Cairn.Core.Tracking;

namespace Cairn.Core.Artifacts;

/// <summary>
/// Where a run's files live in the managed artifact store. Runs are created with <c>&lt;experiment&gt;/&lt;run&gt;</c>;
/// a run moved to another experiment keeps its files, so its artifact URI, not its experiment, names the folder.
/// </summary>
public static class RunArtifactFolder
{
    public const string ManagedPrefix = "mlflow-artifacts:/";
    private const string ArtifactsSuffix = "/artifacts";

    public static ArtifactPath Of(RunId run, ExperimentId experiment, string? artifactUri)
    {
        if (artifactUri is not null && artifactUri.StartsWith(ManagedPrefix, StringComparison.Ordinal)
            && artifactUri.EndsWith(ArtifactsSuffix, StringComparison.Ordinal) && artifactUri.Length > ManagedPrefix.Length + ArtifactsSuffix.Length)
        {
            try
            {
                return ArtifactPath.Parse(artifactUri[ManagedPrefix.Length..^ArtifactsSuffix.Length]);
            }
            catch (CairnException)
            {
                // Not a path Cairn wrote; fall back to the layout every run is created with.
            }
        }

        return ArtifactPath.Parse($"{experiment}/{run}");
    }
}
