namespace Cairn.Core.Registry;

/// <summary>Who made a change; "unknown" until the request carries an authenticated identity.</summary>
public readonly record struct Actor(string Name)
{
    public static readonly Actor Unknown = new("unknown");

    public override string ToString() => Name;
}

public enum ApprovalStatus
{
    PendingApproval,
    Approved,
    Rejected,
}

public sealed record Approval(ApprovalStatus Status, string? Actor, long? Timestamp, string? Comment);

/// <summary>
/// When approval is required, a version reaches Production or a protected alias only once approved.
/// The store checks this inside the same write that moves the version, so no approval can change in between.
/// </summary>
public sealed record ApprovalPolicy(bool RequireApproval, IReadOnlySet<string> ProtectedAliases)
{
    public static readonly ApprovalPolicy Open = new(false, new HashSet<string>());

    public bool Guards(string? stage, string? alias) => RequireApproval
        && (stage == ModelStages.Production || (alias is not null && ProtectedAliases.Contains(alias)));
}

public sealed record AuditEvent(
    long Id,
    long Timestamp,
    string Actor,
    string Action,
    string ModelName,
    long? Version,
    string? Subject,
    string? Before,
    string? After);

/// <summary>Names of audited actions, as they appear in the audit trail.</summary>
public static class AuditActions
{
    public const string CreateModel = "create_model";
    public const string RenameModel = "rename_model";
    public const string UpdateModelDescription = "update_model_description";
    public const string DeleteModel = "delete_model";
    public const string SetModelTag = "set_model_tag";
    public const string DeleteModelTag = "delete_model_tag";
    public const string SetAlias = "set_alias";
    public const string DeleteAlias = "delete_alias";
    public const string CreateVersion = "create_version";
    public const string UpdateVersionDescription = "update_version_description";
    public const string DeleteVersion = "delete_version";
    public const string TransitionStage = "transition_stage";
    public const string SetVersionTag = "set_version_tag";
    public const string DeleteVersionTag = "delete_version_tag";
    public const string Approval = "approval";
}
