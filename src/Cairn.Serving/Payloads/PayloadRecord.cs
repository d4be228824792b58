namespace Cairn.Serving.Payloads;

/// <summary>One logged prediction: who answered, how, and the request and response bodies as they crossed the wire.</summary>
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
    byte[] Response);
