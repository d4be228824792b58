using System.Text.Json.Serialization;

namespace Cairn.Server.Features.Ui.Compare;

/// <summary>One axis of the canvas parallel coordinates as the renderer reads it: its label and value range.</summary>
internal sealed record ParallelAxis(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max);

[JsonSerializable(typeof(List<ParallelAxis>))]
internal sealed partial class CompareJson : JsonSerializerContext;
