using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;
using Cairn.Server.Features.Tracking;
using Cairn.Server.Mlflow;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Server.Features.Artifacts;

/// <summary>
/// The MLflow artifact proxy (<c>/api/2.0/mlflow-artifacts</c>) and the run-artifact routes of the tracking API.
/// Bytes stream both ways; every path is checked by <see cref="ArtifactPath"/> before it reaches the store.
/// </summary>
public static class ArtifactEndpoints
{
    public const string MultipartUnsupported = "Multipart upload is not supported for the current artifact repository";
    private const int UiUploadLimitBytes = 10 * 1024 * 1024;
    private static readonly MlflowJsonContext Json = MlflowJsonContext.Wire;

    public static IEndpointRouteBuilder MapArtifactEndpoints(this IEndpointRouteBuilder app)
    {
        var proxy = app.MapGroup("/api/2.0/mlflow-artifacts").AddEndpointFilter<MlflowErrorFilter>();
        proxy.MapGet("/artifacts", ListProxy);
        proxy.MapGet("/artifacts/{**path}", Download);
        proxy.MapPut("/artifacts/{**path}", Upload);
        proxy.MapDelete("/artifacts/{**path}", Delete);
        proxy.MapPost("/mpu/{action}/{**path}", Multipart);

        foreach (var prefix in TrackingEndpoints.Prefixes)
        {
            app.MapGroup(prefix).AddEndpointFilter<MlflowErrorFilter>().MapGet("/artifacts/list", ListRun);
        }

        app.MapGroup("/ajax-api/2.0/mlflow").AddEndpointFilter<MlflowErrorFilter>().MapPost("/upload-artifact", UploadRunArtifact);
        var root = app.MapGroup("").AddEndpointFilter<MlflowErrorFilter>();
        root.MapGet("/get-artifact", DownloadRunArtifact);
        root.MapGet("/model-versions/get-artifact", DownloadModelVersionArtifact);
        root.MapGet("/ui/artifacts/{runId}/{**path}", Preview).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ListProxy(HttpContext context, IArtifactStore store, CancellationToken cancellationToken)
    {
        var directory = ArtifactPath.Parse(context.Request.Query["path"].ToString());
        var entries = await store.ListAsync(directory, cancellationToken);
        var files = entries.Select(e => new FileInfoDto(e.Name, e.IsDirectory, e.Size)).ToList();
        return MlflowResults.Json(new ArtifactFilesResponse(files.Count == 0 ? null : files), Json.ArtifactFilesResponse);
    }

    private static async Task<IResult> Download(string path, HttpContext context, IArtifactStore store, CancellationToken cancellationToken) =>
        await FileResult(context, ArtifactPath.Parse(path), store, cancellationToken);

    private static async Task<IResult> Upload(string path, HttpContext context, IArtifactStore store, CancellationToken cancellationToken)
    {
        var target = ArtifactPath.Parse(path);
        if (target.IsRoot)
        {
            throw CairnException.InvalidParameter("An artifact upload needs a file path.");
        }

        // Artifacts may be far larger than any JSON body; they stream to the store and are never held in memory whole.
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = null;
        }

        await store.WriteAsync(target, context.Request.Body, cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<IResult> Delete(string path, IArtifactStore store, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(ArtifactPath.Parse(path), cancellationToken);
        return MlflowResults.Empty;
    }

    /// <summary>Local storage has no multipart upload; clients fall back to one PUT when they see exactly this message.</summary>
    private static IResult Multipart(string action, string path)
    {
        ArtifactPath.Parse(path);
        return action is "create" or "complete" or "abort"
            ? MlflowErrors.Result(ErrorCode.NotImplemented, MultipartUnsupported, 501)
            : MlflowErrors.Result(ErrorCode.EndpointNotFound, $"Unknown multipart action '{action}'.", 404);
    }

    private static async Task<IResult> ListRun(HttpContext context, ITrackingStore tracking, IArtifactStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, Json.ListArtifactsRequest);
        var run = await RequireRun(tracking, RequestFields.RunId(request.RunId, request.RunUuid), cancellationToken);
        var relative = ArtifactPath.Parse(request.Path);
        var entries = await store.ListAsync(RunRoot(run).Combine(relative), cancellationToken);
        var files = entries
            .Select(e => new FileInfoDto(relative.Combine(e.Name).Value, e.IsDirectory, e.Size))
            .ToList();
        return MlflowResults.Json(new ListArtifactsResponse(run.ArtifactUri, files.Count == 0 ? null : files, null), Json.ListArtifactsResponse);
    }

    private static async Task<IResult> DownloadRunArtifact(HttpContext context, ITrackingStore tracking, IArtifactStore store, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var runId = query["run_id"].ToString() is { Length: > 0 } id ? id : query["run_uuid"].ToString();
        var run = await RequireRun(tracking, RequestFields.RunId(runId), cancellationToken);
        var path = ArtifactPath.Parse(RequestFields.Require(query["path"].ToString(), "path"));
        return await FileResult(context, RunRoot(run).Combine(path), store, cancellationToken);
    }

    private static async Task<IResult> DownloadModelVersionArtifact(HttpContext context, IModelRegistryStore registry, IArtifactStore store, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var version = await registry.GetVersionAsync(
            RegistryValidation.ModelName(query["name"].ToString()), RegistryValidation.Version(query["version"].ToString()), cancellationToken);
        var path = ArtifactPath.Parse(RequestFields.Require(query["path"].ToString(), "path"));
        return await FileResult(context, ArtifactPath.Parse(Registry.RegistryEndpoints.ArtifactStoragePath(version)).Combine(path), store, cancellationToken);
    }

    private static async Task<IResult> UploadRunArtifact(HttpContext context, ITrackingStore tracking, IArtifactStore store, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var runId = query["run_uuid"].ToString() is { Length: > 0 } id ? id : query["run_id"].ToString();
        var run = await RequireRun(tracking, RequestFields.RunId(runId), cancellationToken);
        var path = ArtifactPath.Parse(RequestFields.Require(query["path"].ToString(), "path"));
        if (context.Request.ContentLength is null or 0)
        {
            throw CairnException.InvalidParameter("Empty artifact upload: the request body holds the file's bytes.");
        }

        if (context.Request.ContentLength > UiUploadLimitBytes)
        {
            throw CairnException.InvalidParameter($"Artifact uploads through this route are limited to {UiUploadLimitBytes} bytes.");
        }

        await store.WriteAsync(RunRoot(run).Combine(path), context.Request.Body, cancellationToken);
        return MlflowResults.Empty;
    }

    private static async Task<RunInfo> RequireRun(ITrackingStore tracking, RunId id, CancellationToken cancellationToken) =>
        await tracking.GetRunInfoAsync(id, cancellationToken) ?? throw CairnException.NotFound($"Run with id={id} not found");

    /// <summary>A run's artifacts always live under its experiment and run ids in the managed root.</summary>
    internal static ArtifactPath RunRoot(RunInfo run) => ArtifactPath.Parse($"{run.ExperimentId}/{run.RunId}/artifacts");

    private static Task<IResult> FileResult(HttpContext context, ArtifactPath path, IArtifactStore store, CancellationToken cancellationToken) =>
        ArtifactResponse.CreateAsync(context, store, path, ArtifactDisposition.Attachment, cancellationToken);

    /// <summary>
    /// The UI's preview route: one run artifact, inline and sandboxed. The path is part of the URL, so an HTML report's
    /// relative links (its images) resolve to the files beside it.
    /// </summary>
    private static async Task<IResult> Preview(string runId, string path, HttpContext context, ITrackingStore tracking, IArtifactStore store,
        CancellationToken cancellationToken)
    {
        var run = await RequireRun(tracking, RequestFields.RunId(runId), cancellationToken);
        return await ArtifactResponse.CreateAsync(context, store, RunRoot(run).Combine(ArtifactPath.Parse(path)), ArtifactDisposition.Inline, cancellationToken);
    }

    /// <summary>Where the UI previews a run artifact inline.</summary>
    public static string PreviewUrl(RunId runId, string path) =>
        $"ui/artifacts/{runId}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>Where a run artifact downloads, as MLflow's UI links it.</summary>
    public static string DownloadUrl(RunId runId, string path) => $"get-artifact?run_id={runId}&path={Uri.EscapeDataString(path)}";
}
