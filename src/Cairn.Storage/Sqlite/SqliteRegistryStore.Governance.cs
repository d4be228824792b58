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
        _reads.GetAuditTrailAsync(name, maxResults, offset, cancellationToken);
}
