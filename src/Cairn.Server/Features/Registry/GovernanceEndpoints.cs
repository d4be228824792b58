using Cairn.Contracts.V1;
using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Validation;
using Cairn.Server.Hosting;

namespace Cairn.Server.Features.Registry;

/// <summary>Cairn's own registry API: the audit trail and approval decisions (<c>/api/v1/registry</c>).</summary>
public static class GovernanceEndpoints
{
    private const int DefaultAuditPage = 100;
    private const int MaxAuditPage = 10_000;
    private static readonly CairnJsonContext Json = CairnJsonContext.Default;

    public static IEndpointRouteBuilder MapGovernanceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/registry").AddEndpointFilter<ProblemErrorFilter>();
        group.MapGet("/audit", GetAudit);
        group.MapGet("/models/{name}/versions/{version}/approval", GetApproval);
        group.MapPost("/models/{name}/versions/{version}/approval", DecideApproval);
        return app;
    }

    private static async Task<IResult> GetAudit(string? name, long? maxResults, string? pageToken, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var model = RegistryValidation.ModelName(name);
        var size = TrackingValidation.MaxResults(maxResults, DefaultAuditPage, MaxAuditPage, "maxResults");
        var page = await store.GetAuditTrailAsync(model, size, PageToken.Decode(pageToken), cancellationToken);
        var events = page.Items.Select(e => new AuditEventDto(e.Id, e.Timestamp, e.Actor, e.Action, e.ModelName, e.Version, e.Subject, e.Before, e.After)).ToList();
        return TypedResults.Json(new AuditTrailResponse(events, page.NextPageToken), Json.AuditTrailResponse);
    }

    private static async Task<IResult> GetApproval(string name, string version, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var modelVersion = await store.GetVersionAsync(name, RegistryValidation.Version(version), cancellationToken);
        return TypedResults.Json(ToDto(modelVersion), Json.ApprovalDto);
    }

    private static async Task<IResult> DecideApproval(string name, string version, HttpContext context, IModelRegistryStore store, CancellationToken cancellationToken)
    {
        var request = await Mlflow.MlflowRequest.ReadAsync(context, Json.ApprovalDecisionRequest);
        var decision = request.Decision switch
        {
            "Approved" or "approved" or "approve" => ApprovalStatus.Approved,
            "Rejected" or "rejected" or "reject" => ApprovalStatus.Rejected,
            null or "" => throw CairnException.MissingParameter("decision"),
            _ => throw CairnException.InvalidParameter($"Invalid decision '{request.Decision}': expected Approved or Rejected."),
        };
        TrackingValidation.CheckLength("Comment", request.Comment ?? "", RegistryValidation.MaxDescriptionLength);
        var modelVersion = await store.DecideApprovalAsync(name, RegistryValidation.Version(version), decision, request.Comment,
            RequestActor.Of(context), cancellationToken);
        return TypedResults.Json(ToDto(modelVersion), Json.ApprovalDto);
    }

    private static ApprovalDto ToDto(ModelVersion version) => new(
        version.Name, version.Version, version.Approval.Status.ToString(), version.Approval.Actor, version.Approval.Timestamp, version.Approval.Comment);
}
