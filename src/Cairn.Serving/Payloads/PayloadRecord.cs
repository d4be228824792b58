using Cairn.Models.Data;

namespace Cairn.Serving.Payloads;

/// <summary>
/// One logged prediction: who answered, how, and the request and response bodies as they crossed the wire. For a model
/// with a column signature that answered, <see cref="Frames"/> holds the rows it scored and its predictions.
/// </summary>
internal sealed record PayloadRecord(
    DateTimeOffset Time,
    string RequestId,
    string Model,
    string? Version,
    string Protocol,
    string Path,
    int Status,
    double LatencyMs,
    string? RequestContentType,
    byte[] Request,
    byte[] Response,
    PayloadFrames? Frames = null);

/// <summary>The input rows a column model scored and the prediction columns it returned, row for row.</summary>
internal sealed record PayloadFrames(Frame Input, Frame Output);
