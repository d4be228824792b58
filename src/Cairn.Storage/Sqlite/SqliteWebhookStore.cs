using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Sqlite;

public sealed class SqliteWebhookStore(SqliteDatabase database, TimeProvider time) : IWebhookStore
{
    private readonly WebhookReads _reads = new(database);

    public async Task<(Webhook Webhook, string Secret)> CreateWebhookAsync(string url, IReadOnlyList<string> events, string secret, CancellationToken cancellationToken)
    {
        var created = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await database.Writer.ExecuteAsync(context => (long)context.Command("""
            INSERT INTO webhooks (url, events, secret, created_time) VALUES ($url, $events, $secret, $now) RETURNING webhook_id
            """).Bind("$url", url).Bind("$events", string.Join(',', events)).Bind("$secret", secret).Bind("$now", created).ExecuteScalar()!, cancellationToken);
        return (new Webhook(id, url, events, created), secret);
    }

    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken) => _reads.ListWebhooksAsync(cancellationToken);

    public Task DeleteWebhookAsync(long id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            if (context.Command("DELETE FROM webhooks WHERE webhook_id = $id").Bind("$id", id).ExecuteNonQuery() == 0)
            {
                throw StoreErrors.WebhookNotFound(id);
            }
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long webhookId, CancellationToken cancellationToken) =>
        _reads.ListDeliveriesAsync(webhookId, cancellationToken);

    public Task<IReadOnlyList<DueDelivery>> TakeDueDeliveriesAsync(int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DueDelivery>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            using var command = SqliteReads.CreateCommand(connection, transaction, """
                SELECT d.delivery_id, w.url, w.secret, d.event, d.payload, d.attempts
                FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id
                WHERE d.status = 'pending' AND d.next_attempt_time <= $now ORDER BY d.delivery_id LIMIT $max
                """);
            command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            var due = new List<DueDelivery>();
            while (reader.Read())
            {
                due.Add(new DueDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)));
            }

            return due;
        }));

    public Task RecordAttemptAsync(long deliveryId, bool delivered, int? statusCode, string? error, long? nextAttemptTime, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            context.Command("""
                UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $code, last_error = $error,
                    status = $status, next_attempt_time = COALESCE($next, next_attempt_time), delivered_time = $delivered
                WHERE delivery_id = $id
                """).Bind("$code", statusCode).Bind("$error", error)
                .Bind("$status", delivered ? "delivered" : nextAttemptTime is null ? "failed" : "pending")
                .Bind("$next", nextAttemptTime).Bind("$delivered", delivered ? now : null).Bind("$id", deliveryId).ExecuteNonQuery();
        }, cancellationToken);
}
