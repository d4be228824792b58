using Cairn.Core.Registry;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Postgres;

/// <summary>
/// Webhooks on PostgreSQL. Unlike SQLite's single process, several replicas poll the outbox here, so taking due
/// deliveries claims them: rows are locked with SKIP LOCKED and leased (their next attempt moved past the send) so
/// no two replicas send the same delivery at once.
/// </summary>
public sealed class PostgresWebhookStore(PostgresDatabase database, TimeProvider time) : IWebhookStore
{
    /// <summary>How long a claimed delivery stays invisible to other replicas; the attempt's outcome replaces it.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    private readonly WebhookReads _reads = new(database);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<(Webhook Webhook, string Secret)> CreateWebhookAsync(string url, IReadOnlyList<string> events, string secret, CancellationToken cancellationToken)
    {
        var created = Now();
        var id = await database.WriteAsync(async write => (long)(await write.ScalarAsync("""
            INSERT INTO webhooks (url, events, secret, created_time) VALUES (@url, @events, @secret, @now) RETURNING webhook_id
            """, ("url", url), ("events", string.Join(',', events)), ("secret", secret), ("now", created)))!, cancellationToken);
        return (new Webhook(id, url, events, created), secret);
    }

    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken) => _reads.ListWebhooksAsync(cancellationToken);

    public Task DeleteWebhookAsync(long id, CancellationToken cancellationToken) =>
        database.WriteAsync(async write =>
        {
            if (await write.ExecuteAsync("DELETE FROM webhooks WHERE webhook_id = @id", ("id", id)) == 0)
            {
                throw StoreErrors.WebhookNotFound(id);
            }
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long webhookId, CancellationToken cancellationToken) =>
        _reads.ListDeliveriesAsync(webhookId, cancellationToken);

    public Task<IReadOnlyList<DueDelivery>> TakeDueDeliveriesAsync(int max, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<DueDelivery>>(async write =>
        {
            var now = Now();
            var due = await write.ListAsync("""
                WITH claimed AS (
                    SELECT delivery_id FROM webhook_deliveries
                    WHERE status = 'pending' AND next_attempt_time <= @now ORDER BY delivery_id LIMIT @max FOR UPDATE SKIP LOCKED)
                UPDATE webhook_deliveries d SET next_attempt_time = @lease
                FROM claimed c, webhooks w
                WHERE d.delivery_id = c.delivery_id AND w.webhook_id = d.webhook_id
                RETURNING d.delivery_id, w.url, w.secret, d.event, d.payload, d.attempts
                """, reader => new DueDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)),
                ("now", now), ("max", max), ("lease", now + (long)ClaimLease.TotalMilliseconds));
            return due.OrderBy(d => d.Id).ToList();
        }, cancellationToken);

    public Task RecordAttemptAsync(long deliveryId, bool delivered, int? statusCode, string? error, long? nextAttemptTime, CancellationToken cancellationToken) =>
        database.WriteAsync(write => write.ExecuteAsync("""
            UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = @code::integer, last_error = @error::text,
                status = @status, next_attempt_time = COALESCE(@next::bigint, next_attempt_time), delivered_time = @delivered::bigint
            WHERE delivery_id = @id
            """, ("code", statusCode), ("error", error), ("status", delivered ? "delivered" : nextAttemptTime is null ? "failed" : "pending"),
            ("next", nextAttemptTime), ("delivered", delivered ? Now() : null), ("id", deliveryId)), cancellationToken);
}
