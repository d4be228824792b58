namespace Cairn.Server.Features.Registry;

/// <summary>Registry governance. Flag <c>--require-approval</c>, or CAIRN_REGISTRY__REQUIREAPPROVAL=true.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>When set, a version must be approved before it moves to Production or a protected alias points at it.</summary>
    public bool RequireApproval { get; set; }

    /// <summary>Aliases guarded by the approval gate.</summary>
    public string[] ProtectedAliases { get; set; } = ["champion"];
}
