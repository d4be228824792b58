using System.Security.Cryptography;
using System.Text;
using Cairn.Core.Registry;
using Microsoft.Extensions.Options;

namespace Cairn.Server.Features.Registry;

/// <summary>Webhook delivery settings (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public int RetryBaseDelayMilliseconds { get; set; } = 1000;

    public int MaxAttempts { get; set; } = 8;

    public int PollIntervalMilliseconds { get; set; } = 250;

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>When set, webhook URLs must start with one of these prefixes (the operator's allow-list).</summary>
    public string[] AllowedUrlPrefixes { get; set; } = [];
}

/// <summary>
/// Sends queued registry events to webhooks: JSON bodies signed with HMAC-SHA256 of the body under the webhook's
/// secret (<c>X-Cairn-Signature: sha256=&lt;hex&gt;</c>), retried with exponential backoff, every attempt recorded.
/// </summary>
internal sealed partial class WebhookDispatcher(IWebhookStore store, TimeProvider time, IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    public const string SignatureHeader = "X-Cairn-Signature";
    private const long MaxBackoffMilliseconds = 3_600_000;
    private readonly WebhookOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds) };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await store.TakeDueDeliveriesAsync(32, stoppingToken);
                await Task.WhenAll(due.Select(d => SendAsync(http, d, stoppingToken)));
                if (due.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds), time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                DispatchFailed(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task SendAsync(HttpClient http, DueDelivery delivery, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(SignatureHeader, Sign(delivery.Secret, body));
        request.Headers.Add("X-Cairn-Event", delivery.Event);
        request.Headers.Add("X-Cairn-Delivery", delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int? status = null;
        string? error = null;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await store.RecordAttemptAsync(delivery.Id, true, status, null, null, CancellationToken.None);
                return;
            }

            error = $"receiver answered {status}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = exception.Message;
        }

        var attempt = delivery.Attempts + 1;
        long? next = attempt >= _options.MaxAttempts
            ? null
            : time.GetUtcNow().ToUnixTimeMilliseconds() + Math.Min(MaxBackoffMilliseconds, _options.RetryBaseDelayMilliseconds * (1L << Math.Min(attempt - 1, 30)));
        await store.RecordAttemptAsync(delivery.Id, false, status, error, next, CancellationToken.None);
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Webhook dispatch loop failed; retrying")]
    private static partial void DispatchFailed(ILogger logger, Exception exception);
}
