using System.Globalization;

namespace Cairn.Core.Registry;

/// <summary>
/// Every way of naming a model: <c>models:/name/3</c>, <c>models:/name@alias</c>, <c>models:/name/Production</c>,
/// <c>models:/name/latest</c>, <c>runs:/run_id/path</c> and <c>mlflow-artifacts:/path</c>. Parsed in one place so the
/// SDK, CLI and serving agree.
/// </summary>
public abstract record ModelUri
{
    public static ModelUri Parse(string uri)
    {
        if (uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            var rest = uri["models:/".Length..].TrimEnd('/');
            if (rest.StartsWith("m-", StringComparison.Ordinal) && !rest.Contains('/', StringComparison.Ordinal) && !rest.Contains('@', StringComparison.Ordinal))
            {
                return new LoggedModelUri(rest);
            }
            var at = rest.LastIndexOf('@');
            if (at > 0 && !rest[at..].Contains('/', StringComparison.Ordinal))
            {
                return new ModelAliasUri(rest[..at], RegistryValidation.Alias(rest[(at + 1)..]));
            }

            var slash = rest.LastIndexOf('/');
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw Invalid(uri, "expected models:/<name>/<version|stage|latest> or models:/<name>@<alias>");
            }

            var name = rest[..slash];
            var suffix = rest[(slash + 1)..];
            if (long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return new ModelVersionUri(name, version);
            }

            if (suffix.Equals("latest", StringComparison.OrdinalIgnoreCase))
            {
                return new ModelLatestUri(name);
            }

            var stage = ModelStages.All.FirstOrDefault(s => s.Equals(suffix, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid(uri, $"'{suffix}' is not a version number, a stage or 'latest'");
            return new ModelStageUri(name, stage);
        }

        if (uri.StartsWith("runs:/", StringComparison.Ordinal))
        {
            var rest = uri["runs:/".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var runId = slash < 0 ? rest : rest[..slash];
            if (runId.Length == 0)
            {
                throw Invalid(uri, "expected runs:/<run_id>/<path>");
            }

            return new RunArtifactUri(runId, Artifacts.ArtifactPath.Parse(slash < 0 ? "" : rest[(slash + 1)..]).Value);
        }

        if (uri.StartsWith("mlflow-artifacts:", StringComparison.Ordinal))
        {
            var path = uri["mlflow-artifacts:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                throw Invalid(uri, "artifact URIs that name another host are not accepted");
            }

            return new ManagedArtifactUri(Artifacts.ArtifactPath.Parse(path.TrimStart('/')).Value);
        }

        throw Invalid(uri, "the location must be storage Cairn manages (runs:/, models:/ or mlflow-artifacts:/); "
            + "local paths, file: and http(s) URLs are not accepted");
    }

    private static CairnException Invalid(string uri, string why) =>
        CairnException.InvalidParameter($"Invalid model URI '{(uri.Length > 300 ? uri[..300] + "…" : uri)}': {why}.");
}

public sealed record ModelVersionUri(string Name, long Version) : ModelUri;

/// <summary><c>models:/m-…</c>: an MLflow 3 logged model by id.</summary>
public sealed record LoggedModelUri(string ModelId) : ModelUri;

public sealed record ModelAliasUri(string Name, string Alias) : ModelUri;

public sealed record ModelStageUri(string Name, string Stage) : ModelUri;

public sealed record ModelLatestUri(string Name) : ModelUri;

public sealed record RunArtifactUri(string RunId, string Path) : ModelUri;

public sealed record ManagedArtifactUri(string Path) : ModelUri;
