namespace Cairn.Server.Features.Ui.Artifacts;

/// <summary>How the UI previews an artifact, chosen by its name.</summary>
internal enum ArtifactKind
{
    Text,
    Json,
    Yaml,
    MlModel,
    Csv,
    Parquet,
    Image,
    Html,
    Binary,
}

internal static class ArtifactKinds
{
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".log", ".err", ".out", ".md", ".rst", ".cfg", ".conf", ".ini", ".toml", ".properties", ".py", ".r", ".sh", ".sql",
        ".java", ".scala", ".js", ".ts", ".cs", ".xml", ".jsonl", ".ndjson", ".requirements", ".lock", ".env",
    };

    private static readonly HashSet<string> TextNames = new(StringComparer.Ordinal)
    {
        "MLproject", "requirements.txt", "conda.yaml", "python_env.yaml", "Dockerfile", "LICENSE", "README",
    };

    public static ArtifactKind Of(string fileName)
    {
        if (fileName == "MLmodel")
        {
            return ArtifactKind.MlModel;
        }

        return Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".json" => ArtifactKind.Json,
            ".yaml" or ".yml" => ArtifactKind.Yaml,
            ".csv" or ".tsv" => ArtifactKind.Csv,
            ".parquet" => ArtifactKind.Parquet,
            ".png" or ".jpg" or ".jpeg" or ".gif" or ".svg" or ".webp" => ArtifactKind.Image,
            ".html" or ".htm" => ArtifactKind.Html,
            var extension when TextExtensions.Contains(extension) || TextNames.Contains(fileName) => ArtifactKind.Text,
            "" => ArtifactKind.Text,
            _ => ArtifactKind.Binary,
        };
    }

    /// <summary>"1.2 MB": sizes as the tree and the previews show them.</summary>
    public static string Size(long? bytes) => bytes switch
    {
        null => "",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };
}
