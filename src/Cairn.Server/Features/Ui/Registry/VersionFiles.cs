using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Core.Artifacts;
using Cairn.Core.Registry;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cairn.Server.Features.Ui.Registry;

/// <summary>One input or output of a signature, as the version page lists it.</summary>
public sealed record SignatureField(string Name, string Type, bool Required);

internal sealed record VersionSignature(IReadOnlyList<SignatureField> Inputs, IReadOnlyList<SignatureField> Outputs, string? Params);

/// <summary>What a version's <c>MLmodel</c> file says: flavors, signature, input example and MLflow 3 logged model id.</summary>
internal sealed record VersionFiles(
    IReadOnlyList<string> Flavors,
    VersionSignature? Signature,
    string? InputExample,
    bool InputExampleTruncated,
    string? ModelId,
    string? Problem)
{
    public static readonly VersionFiles None = new([], null, null, false, null, null);

    private const string ManagedPrefix = "mlflow-artifacts:/";
    private const int MaxMlModelBytes = 1 << 20;
    private const int MaxExampleBytes = 64 * 1024;

    /// <summary>Reads the files from the version's own storage; a version without them (a prompt) has none.</summary>
    public static async Task<VersionFiles> ReadAsync(ModelVersion version, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        if (!version.StorageLocation.StartsWith(ManagedPrefix, StringComparison.Ordinal))
        {
            return None with { Problem = "This version has no files in managed storage (a prompt version keeps its text in tags)." };
        }

        var folder = version.StorageLocation[ManagedPrefix.Length..].TrimEnd('/');
        var (yaml, _) = await ReadTextAsync(artifacts, folder + "/MLmodel", MaxMlModelBytes, cancellationToken);
        if (yaml is null)
        {
            return None with { Problem = "The version's files have no MLmodel file, so there is no signature to show." };
        }

        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw new YamlException("the document is not a mapping");
        }
        catch (YamlException error)
        {
            return None with { Problem = $"The MLmodel file is not valid YAML: {error.Message}" };
        }

        var flavors = Child(root, "flavors") is YamlMappingNode f ? f.Children.Keys.Select(k => k.ToString()).ToList() : [];
        var modelId = Scalar(root, "model_id");
        VersionSignature? signature = null;
        string? problem = null;
        if (Child(root, "signature") is YamlMappingNode sig)
        {
            try
            {
                signature = new VersionSignature(Fields(Scalar(sig, "inputs")), Fields(Scalar(sig, "outputs")), Scalar(sig, "params") is { Length: > 0 } p && p != "null" ? p : null);
            }
            catch (Exception error) when (error is JsonException or FormatException or InvalidOperationException)
            {
                problem = $"The MLmodel signature could not be read: {error.Message}";
            }
        }

        string? example = null;
        var truncated = false;
        if (Child(root, "saved_input_example_info") is YamlMappingNode info && Scalar(info, "artifact_path") is { Length: > 0 } examplePath)
        {
            try
            {
                (example, truncated) = await ReadTextAsync(artifacts, folder + "/" + examplePath, MaxExampleBytes, cancellationToken);
                example = example is not null && !truncated ? Pretty(example) : example;
            }
            catch (Core.CairnException)
            {
                problem ??= $"The input example path '{examplePath}' is not a valid artifact path.";
            }
        }

        return new VersionFiles(flavors, signature, example, truncated, modelId, problem);
    }

    /// <summary>MLflow's signature JSON (a list of column or tensor specs) as rows.</summary>
    private static List<SignatureField> Fields(string? json)
    {
        if (string.IsNullOrEmpty(json) || json == "null")
        {
            return [];
        }

        var fields = new List<SignatureField>();
        var array = JsonNode.Parse(json) as JsonArray ?? throw new FormatException("a schema must be a JSON array");
        foreach (var (item, index) in array.Select((item, index) => (item as JsonObject, index)))
        {
            if (item is null)
            {
                continue;
            }

            var type = item["type"]?.GetValue<string>() ?? "?";
            var shown = type switch
            {
                "tensor" => $"tensor {item["tensor-spec"]?["dtype"]} [{string.Join(", ", (item["tensor-spec"]?["shape"] as JsonArray ?? []).Select(d => d?.ToJsonString()))}]",
                "array" when item["items"]?["type"]?.GetValue<string>() is { } inner && item["items"]!.AsObject().Count == 1 => $"array<{inner}>",
                "array" or "object" or "map" => Compact(item),
                _ => type,
            };
            fields.Add(new SignatureField(item["name"]?.GetValue<string>() ?? $"#{index}", shown, item["required"]?.GetValue<bool>() ?? true));
        }

        return fields;
    }

    private static string Compact(JsonObject spec)
    {
        var copy = (JsonObject)spec.DeepClone();
        copy.Remove("name");
        copy.Remove("required");
        return copy.ToJsonString();
    }

    private static string Pretty(string text)
    {
        try
        {
            return JsonNode.Parse(text)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static async Task<(string? Text, bool Truncated)> ReadTextAsync(IArtifactStore artifacts, string path, int limit, CancellationToken cancellationToken)
    {
        await using var file = await artifacts.OpenReadAsync(ArtifactPath.Parse(path), cancellationToken);
        if (file is null)
        {
            return (null, false);
        }

        var buffer = new byte[(int)Math.Min(limit, Math.Max(file.Length, 0))];
        var read = 0;
        while (read < buffer.Length && await file.Content.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
        {
            read += n;
        }

        return (Encoding.UTF8.GetString(buffer, 0, read), file.Length > limit);
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => Child(node, key) is YamlScalarNode { Value: var value } ? value : null;
}
