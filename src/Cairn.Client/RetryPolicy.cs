using System.Net;

namespace Cairn.Client;

/// <summary>Exponential backoff with full jitter, honouring <c>Retry-After</c> when the server sends one.</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>Five attempts, starting at 200 ms and capped at 10 s.</summary>
    public static RetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

    /// <summary>One attempt: errors surface at once.</summary>
    public static RetryPolicy None { get; } = new(1, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>429 and 503 mean the request was refused before any work, so even a create is safe to repeat.</summary>
    public bool ShouldRetry(HttpStatusCode status, bool idempotent) => status switch
    {
        HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => true,
        HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout => idempotent,
        _ => false,
    };

    /// <summary>The wait before the given attempt (2 is the first retry).</summary>
    public TimeSpan DelayBefore(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked)
        {
            return asked < MaxDelay ? asked : MaxDelay;
        }

        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 2));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
