using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;

namespace Cairn.Storage.Sqlite;

public sealed partial class SqliteRegistryStore
{
    public async Task<ModelVersion> DecideApprovalAsync(string name, long version, ApprovalStatus decision, string? comment, Actor actor, CancellationToken cancellationToken)
    {
        if (decision == ApprovalStatus.PendingApproval)
        {
            throw CairnException.InvalidParameter("An approval decision is Approved or Rejected.");
        }

        await database.Writer.ExecuteAsync(context =>
        {
            var key = RequireModel(context, name);
            RequireVersion(context, key, name, version);
            var before = context.Command("SELECT approval_status FROM model_versions WHERE model_key = $model AND version = $version")
                .Bind("$model", key).Bind("$version", version).ExecuteScalar() as string;
            var now = Now();
            context.Command("""
                UPDATE model_versions SET approval_status = $status, approval_actor = $actor, approval_time = $now, approval_comment = $comment,
                                          last_updated_timestamp = $now
                WHERE model_key = $model AND version = $version
                """).Bind("$status", decision.ToString()).Bind("$actor", actor.Name).Bind("$now", now).Bind("$comment", comment)
                .Bind("$model", key).Bind("$version", version).ExecuteNonQuery();
            Audit(context, actor, AuditActions.Approval, key, name, version, comment, before, decision.ToString());
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    public Task<Page<AuditEvent>> GetAuditTrailAsync(string name, int maxResults, long offset, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteReads.ReadSnapshot(database, (connection, transaction) =>
        {
            // Follow the model across renames by its key, and keep the events of earlier models that had this name.
            using var command = Command(connection, transaction, """
                SELECT event_id, timestamp, actor, action, model_name, version, subject, before, after FROM registry_audit
                WHERE model_key = (SELECT model_key FROM registered_models WHERE name = $name) OR model_name = $name
                ORDER BY event_id DESC LIMIT $limit OFFSET $offset
                """);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$limit", maxResults + 1);
            command.Parameters.AddWithValue("$offset", offset);
            var events = new List<AuditEvent>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                events.Add(new AuditEvent(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetNullableInt64(5), reader.GetNullableString(6), reader.GetNullableString(7), reader.GetNullableString(8)));
            }

            return ToPage(events, new RegistryQuery([], [], maxResults, offset));
        }));
}
