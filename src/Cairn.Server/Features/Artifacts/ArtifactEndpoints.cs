using Cairn.Contracts.Mlflow;
using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;
using Cairn.Server.Features.Tracking;
using Cairn.Server.Mlflow;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

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
        await FileResult(ArtifactPath.Parse(path), store, cancellationToken);

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
        return await FileResult(RunRoot(run).Combine(path), store, cancellationToken);
    }

    private static async Task<IResult> DownloadModelVersionArtifact(HttpContext context, IModelRegistryStore registry, IArtifactStore store, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var version = await registry.GetVersionAsync(
            RegistryValidation.ModelName(query["name"].ToString()), RegistryValidation.Version(query["version"].ToString()), cancellationToken);
        var path = ArtifactPath.Parse(RequestFields.Require(query["path"].ToString(), "path"));
        return await FileResult(ArtifactPath.Parse(Registry.RegistryEndpoints.ArtifactStoragePath(version)).Combine(path), store, cancellationToken);
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
    private static ArtifactPath RunRoot(RunInfo run) => ArtifactPath.Parse($"{run.ExperimentId}/{run.RunId}/artifacts");

    private static async Task<IResult> FileResult(ArtifactPath path, IArtifactStore store, CancellationToken cancellationToken)
    {
        var file = await store.OpenReadAsync(path, cancellationToken)
            ?? throw CairnException.NotFound($"Artifact '{path}' does not exist.");
        var name = path.Name;
        return new AttachmentResult(file, name, ArtifactContentTypes.For(name));
    }

    /// <summary>Streams a file with MLflow's attachment headers; range requests let previews read only what they show.</summary>
    private sealed class AttachmentResult(ArtifactFile file, string fileName, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using (file)
            {
                var headers = httpContext.Response.Headers;
                var disposition = new ContentDispositionHeaderValue("attachment");
                disposition.SetHttpFileName(fileName);
                headers.ContentDisposition = disposition.ToString();
                headers.XContentTypeOptions = "nosniff";
                var stream = TypedResults.Stream(file.Content, contentType, lastModified: file.LastModified, enableRangeProcessing: true);
                try
                {
                    await stream.ExecuteAsync(httpContext);
                }
                catch (CairnException exception) when (!httpContext.Response.HasStarted)
                {
                    // A remote store may fail on the first read (a ranged fetch); before any byte is sent it is still
                    // an ordinary MLflow error. Once bytes are out, the connection is cut and the client sees it.
                    httpContext.Response.Clear();
                    await MlflowErrors.WriteAsync(httpContext, exception.Code, exception.Message, exception.Code.StatusCode());
                }
            }
        }
    }
}
