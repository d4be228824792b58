using Microsoft.AspNetCore.StaticFiles;

namespace Cairn.Server.Features.Artifacts;

/// <summary>Download content types as MLflow serves them: text-like files as text/plain, else by extension.</summary>
internal static class ArtifactContentTypes
{
    private static readonly FileExtensionContentTypeProvider Provider = new();

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".log", ".err", ".cfg", ".conf", ".cnf", ".cf", ".ini", ".properties", ".prop", ".hocon", ".toml", ".yaml", ".yml",
        ".xml", ".json", ".js", ".py", ".py3", ".csv", ".tsv", ".md", ".rst", ".jsonnet", ".r", ".sh", ".sql", ".java", ".scala",
    };

    private static readonly HashSet<string> TextNames = new(StringComparer.Ordinal) { "MLmodel", "MLproject" };

    public static string For(string fileName)
    {
        if (TextNames.Contains(fileName) || TextExtensions.Contains(Path.GetExtension(fileName)))
        {
            return "text/plain";
        }

        return Provider.TryGetContentType(fileName, out var type) ? type : "application/octet-stream";
    }
}
