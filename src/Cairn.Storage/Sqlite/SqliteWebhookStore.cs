using Cairn.Core;
using Cairn.Core.Registry;

namespace Cairn.Storage.Sqlite;

public sealed class SqliteWebhookStore(SqliteDatabase database, TimeProvider time) : IWebhookStore
{
    public async Task<(Webhook Webhook, string Secret)> CreateWebhookAsync(string url, IReadOnlyList<string> events, string secret, CancellationToken cancellationToken)
    {
        var created = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await database.Writer.ExecuteAsync(context => (long)context.Command("""
            INSERT INTO webhooks (url, events, secret, created_time) VALUES ($url, $events, $secret, $now) RETURNING webhook_id
            """).Bind("$url", url).Bind("$events", string.Join(',', events)).Bind("$secret", secret).Bind("$now", created).ExecuteScalar()!, cancellationToken);
        return (new Webhook(id, url, events, created), secret);
    }

    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Webhook>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            using var command = SqliteReads.CreateCommand(connection, transaction, "SELECT webhook_id, url, events, created_time FROM webhooks ORDER BY webhook_id");
            using var reader = command.ExecuteReader();
            var hooks = new List<Webhook>();
            while (reader.Read())
            {
                hooks.Add(new Webhook(reader.GetInt64(0), reader.GetString(1), reader.GetString(2).Split(','), reader.GetInt64(3)));
            }

            return hooks;
        }));

    public Task DeleteWebhookAsync(long id, CancellationToken cancellationToken) =>
        database.Writer.ExecuteAsync(context =>
        {
            if (context.Command("DELETE FROM webhooks WHERE webhook_id = $id").Bind("$id", id).ExecuteNonQuery() == 0)
            {
                throw CairnException.NotFound($"Webhook {id} not found");
            }
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long webhookId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            using (var exists = SqliteReads.CreateCommand(connection, transaction, "SELECT 1 FROM webhooks WHERE webhook_id = $id"))
            {
                exists.Parameters.AddWithValue("$id", webhookId);
                if (exists.ExecuteScalar() is null)
                {
                    throw CairnException.NotFound($"Webhook {webhookId} not found");
                }
            }

            using var command = SqliteReads.CreateCommand(connection, transaction, """
                SELECT delivery_id, webhook_id, event, payload, status, attempts, next_attempt_time, last_status_code, last_error, created_time, delivered_time
                FROM webhook_deliveries WHERE webhook_id = $id ORDER BY delivery_id
                """);
            command.Parameters.AddWithValue("$id", webhookId);
            using var reader = command.ExecuteReader();
            var deliveries = new List<WebhookDelivery>();
            while (reader.Read())
            {
                deliveries.Add(new WebhookDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetInt32(5), reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetNullableString(8),
                    reader.GetInt64(9), reader.GetNullableInt64(10)));
            }

            return deliveries;
        }));

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
