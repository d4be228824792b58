using System.Security.Cryptography;
using Cairn.Contracts.V1;
using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Cairn.Server.Features.Registry;

/// <summary>Webhook registration and delivery history (<c>/api/v1/registry/webhooks</c>).</summary>
public static class WebhookEndpoints
{
    private const int MaxUrlLength = 2000;
    private static readonly CairnJsonContext Json = CairnJsonContext.Default;

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/registry/webhooks").AddEndpointFilter<ProblemErrorFilter>();
        group.MapPost("", Create);
        group.MapGet("", List);
        group.MapDelete("/{id:long}", Delete);
        group.MapGet("/{id:long}/deliveries", Deliveries);
        return app;
    }

    private static async Task<IResult> Create(HttpContext context, IWebhookStore store, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var request = await Mlflow.MlflowRequest.ReadAsync(context, Json.CreateWebhookRequest);
        var url = request.Url ?? throw CairnException.MissingParameter("url");
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw CairnException.InvalidParameter($"Invalid webhook url '{url}': expected an absolute http or https URL.");
        }

        var allowed = options.Value.AllowedUrlPrefixes;
        if (allowed.Length > 0 && !allowed.Any(prefix => url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            throw new CairnException(ErrorCode.PermissionDenied, $"Webhook url '{url}' is not on this server's allow-list (Webhooks:AllowedUrlPrefixes).");
        }

        var events = request.Events is { Count: > 0 } ? request.Events.Distinct().ToList() : [.. WebhookEvents.All];
        var unknown = events.Where(e => !WebhookEvents.All.Contains(e)).ToList();
        if (unknown.Count > 0)
        {
            throw CairnException.InvalidParameter($"Unknown webhook events: {string.Join(", ", unknown)}. Valid events: {string.Join(", ", WebhookEvents.All)}.");
        }

        var secret = string.IsNullOrEmpty(request.Secret) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) : request.Secret;
        if (secret.Length is < 16 or > 256)
        {
            throw CairnException.InvalidParameter("A webhook secret has 16 to 256 characters.");
        }

        var (webhook, stored) = await store.CreateWebhookAsync(url, events, secret, cancellationToken);
        return TypedResults.Json(new WebhookDto(webhook.Id, webhook.Url, [.. webhook.Events], webhook.CreatedTime, stored), Json.WebhookDto);
    }

    private static async Task<IResult> List(IWebhookStore store, CancellationToken cancellationToken)
    {
        var hooks = await store.ListWebhooksAsync(cancellationToken);
        return TypedResults.Json(new WebhookListResponse(hooks.Select(h => new WebhookDto(h.Id, h.Url, [.. h.Events], h.CreatedTime, null)).ToList()), Json.WebhookListResponse);
    }

    private static async Task<IResult> Delete(long id, IWebhookStore store, CancellationToken cancellationToken)
    {
        await store.DeleteWebhookAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Deliveries(long id, IWebhookStore store, CancellationToken cancellationToken)
    {
        var deliveries = await store.ListDeliveriesAsync(id, cancellationToken);
        return TypedResults.Json(new WebhookDeliveriesResponse(deliveries.Select(d => new WebhookDeliveryDto(
            d.Id, d.Event, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.CreatedTime, d.DeliveredTime, d.Payload)).ToList()), Json.WebhookDeliveriesResponse);
    }
}
