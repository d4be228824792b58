namespace Cairn.Core.Registry;

/// <summary>Registry events a webhook can subscribe to.</summary>
public static class WebhookEvents
{
    public const string VersionCreated = "model_version_created";
    public const string StageChanged = "model_version_stage_changed";
    public const string AliasChanged = "model_alias_changed";
    public const string ApprovalDecided = "model_version_approval_decided";

    public static readonly IReadOnlyList<string> All = [VersionCreated, StageChanged, AliasChanged, ApprovalDecided];

    /// <summary>The event an audited action raises, if any.</summary>
    public static string? ForAction(string action) => action switch
    {
        AuditActions.CreateVersion => VersionCreated,
        AuditActions.TransitionStage => StageChanged,
        AuditActions.SetAlias or AuditActions.DeleteAlias => AliasChanged,
        AuditActions.Approval => ApprovalDecided,
        _ => null,
    };
}

public sealed record Webhook(long Id, string Url, IReadOnlyList<string> Events, long CreatedTime);

public sealed record WebhookDelivery(
    long Id,
    long WebhookId,
    string Event,
    string Payload,
    string Status,
    int Attempts,
    long NextAttemptTime,
    int? LastStatusCode,
    string? LastError,
    long CreatedTime,
    long? DeliveredTime);

/// <summary>A delivery ready to send, with what signing it needs.</summary>
public sealed record DueDelivery(long Id, string Url, string Secret, string Event, string Payload, int Attempts);

/// <summary>Webhook registrations and their delivery outbox.</summary>
public interface IWebhookStore
{
    Task<(Webhook Webhook, string Secret)> CreateWebhookAsync(string url, IReadOnlyList<string> events, string secret, CancellationToken cancellationToken);

    Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken);

    Task DeleteWebhookAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long webhookId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DueDelivery>> TakeDueDeliveriesAsync(int max, CancellationToken cancellationToken);

    /// <summary>Records one attempt: delivered, or failed with the next attempt time (null when attempts are exhausted).</summary>
    Task RecordAttemptAsync(long deliveryId, bool delivered, int? statusCode, string? error, long? nextAttemptTime, CancellationToken cancellationToken);
}
