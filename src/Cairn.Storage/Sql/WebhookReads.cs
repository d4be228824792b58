using Cairn.Core.Registry;

namespace Cairn.Storage.Sql;

/// <summary>Webhook registrations and their delivery history: the reads, the same SQL on every database.</summary>
internal sealed class WebhookReads(ISqlReadSource source)
{
    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<Webhook>>(async (connection, transaction) => await SqlReads.ListAsync(connection, transaction,
            "SELECT webhook_id, url, events, created_time FROM webhooks ORDER BY webhook_id", null,
            reader => new Webhook(reader.GetInt64(0), reader.GetString(1), reader.GetString(2).Split(','), reader.GetInt64(3)), cancellationToken), cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long webhookId, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<WebhookDelivery>>(async (connection, transaction) =>
        {
            if (await SqlReads.ScalarAsync(connection, transaction, "SELECT 1 FROM webhooks WHERE webhook_id = @p0", SqlParameters.Of(webhookId), cancellationToken) is null)
            {
                throw StoreErrors.WebhookNotFound(webhookId);
            }

            return await SqlReads.ListAsync(connection, transaction, """
                SELECT delivery_id, webhook_id, event, payload, status, attempts, next_attempt_time, last_status_code, last_error, created_time, delivered_time
                FROM webhook_deliveries WHERE webhook_id = @p0 ORDER BY delivery_id
                """, SqlParameters.Of(webhookId), reader => new WebhookDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetNullableString(8),
                reader.GetInt64(9), reader.GetNullableInt64(10)), cancellationToken);
        }, cancellationToken);
}
