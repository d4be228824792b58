using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Cairn.Server.Features.Ui.Artifacts;

/// <summary>One column of an MLmodel signature: its name, type and (for tensors) shape.</summary>
public sealed record SignatureColumn(string Name, string Type, string? Shape, bool Required);

/// <summary>What the MLmodel file says, as the preview shows it: flavors, and the signature as tables.</summary>
public sealed record MlModelSummary(IReadOnlyList<string> Flavors, IReadOnlyList<SignatureColumn>? Inputs, IReadOnlyList<SignatureColumn>? Outputs,
    string? Parameters, string? ModelUuid, string? UtcTimeCreated)
{
    /// <summary>Reads the YAML; null (the raw text is still shown) when it is not a mapping.</summary>
    public static MlModelSummary? Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return null;
        }

        var flavors = Child(root, "flavors") is YamlMappingNode f ? f.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList() : [];
        var signature = Child(root, "signature") as YamlMappingNode;
        return new MlModelSummary(
            flavors,
            Columns(signature is null ? null : Scalar(signature, "inputs")),
            Columns(signature is null ? null : Scalar(signature, "outputs")),
            signature is null ? null : Scalar(signature, "params"),
            Scalar(root, "model_uuid"),
            Scalar(root, "utc_time_created"));
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    /// <summary>MLflow stores each side of the signature as a JSON string: a list of column or tensor specs.</summary>
    private static List<SignatureColumn>? Columns(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json == "null")
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return [.. document.RootElement.EnumerateArray().Select((spec, i) => new SignatureColumn(
                Text(spec, "name") ?? $"({i})",
                spec.TryGetProperty("tensor-spec", out var tensor) ? $"tensor of {Text(tensor, "dtype")}" : Text(spec, "type") ?? "?",
                spec.TryGetProperty("tensor-spec", out var t) && t.TryGetProperty("shape", out var shape) ? shape.GetRawText() : null,
                !spec.TryGetProperty("required", out var required) || required.ValueKind != JsonValueKind.False))];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
