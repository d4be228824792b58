using System.Text.Json.Serialization;

namespace Cairn.Contracts.V1;

// Cairn's own API (/api/v1): camelCase JSON, errors as ProblemDetails with an errorCode.

public sealed record AuditEventDto(long Id, long Timestamp, string Actor, string Action, string Model, long? Version, string? Subject, string? Before, string? After);

public sealed record AuditTrailResponse(List<AuditEventDto> Events, string? NextPageToken);

public sealed record ApprovalDecisionRequest(string? Decision, string? Comment);

public sealed record ApprovalDto(string Model, long Version, string Status, string? Actor, long? Timestamp, string? Comment);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = 32)]
[JsonSerializable(typeof(AuditTrailResponse))]
[JsonSerializable(typeof(AuditEventDto[]))]
[JsonSerializable(typeof(ApprovalDecisionRequest))]
[JsonSerializable(typeof(ApprovalDto))]
[JsonSerializable(typeof(CreateWebhookRequest))]
[JsonSerializable(typeof(WebhookDto))]
[JsonSerializable(typeof(WebhookListResponse))]
[JsonSerializable(typeof(WebhookDeliveriesResponse))]
public sealed partial class CairnJsonContext : JsonSerializerContext;

public sealed record CreateWebhookRequest(string? Url, List<string>? Events, string? Secret);

/// <summary>The secret is returned once, when the webhook is created.</summary>
public sealed record WebhookDto(long Id, string Url, List<string> Events, long CreatedTime, string? Secret);

public sealed record WebhookListResponse(List<WebhookDto> Webhooks);

public sealed record WebhookDeliveryDto(long Id, string Event, string Status, int Attempts, int? LastStatusCode, string? LastError, long CreatedTime, long? DeliveredTime, string Payload);

public sealed record WebhookDeliveriesResponse(List<WebhookDeliveryDto> Deliveries);
