using System.Globalization;
using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Server.Mlflow;
using Microsoft.Net.Http.Headers;

namespace Cairn.Server.Features.Artifacts;

/// <summary>
/// Sends an artifact, whole or one byte range of it. A single <c>Range: bytes=…</c> request reads only that range from
/// the store (a seek on disk, a ranged GET on S3) and answers 206 with <c>Content-Range</c>, or 416 with
/// <c>Content-Range: bytes */length</c> when the range starts past the end. As HTTP says, a header we cannot honour
/// (another unit, several ranges, bad syntax) is ignored and the whole file is sent.
/// </summary>
internal static class ArtifactResponse
{
    /// <summary>Reads what the request asks for; throws NotFound (an MLflow error, via the group's filter) when there is no file.</summary>
    public static async Task<IResult> CreateAsync(HttpContext context, IArtifactStore store, ArtifactPath path, ArtifactDisposition disposition,
        CancellationToken cancellationToken)
    {
        var name = path.Name;
        var contentType = ArtifactContentTypes.For(name);
        if (SingleRange(context.Request) is { } range)
        {
            var slice = await store.ReadRangeAsync(path, range, cancellationToken) ?? throw Missing(path);
            return new SliceResult(slice, name, contentType, disposition);
        }

        var file = await store.OpenReadAsync(path, cancellationToken) ?? throw Missing(path);
        return new WholeFileResult(file, name, contentType, disposition);
    }

    /// <summary>The one byte range the request asks for, or null when it should get the whole file.</summary>
    internal static ArtifactRange? SingleRange(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) || request.Headers.Range.Count != 1
            || !RangeHeaderValue.TryParse(request.Headers.Range.ToString(), out var header)
            || !header.Unit.Equals("bytes", StringComparison.OrdinalIgnoreCase) || header.Ranges.Count != 1)
        {
            return null;
        }

        var item = header.Ranges.First();
        return item switch
        {
            { From: { } from, To: var to } when to is null || to >= from => ArtifactRange.Between(from, to),
            { From: null, To: > 0 and var suffix } => ArtifactRange.Tail(suffix),
            // "bytes=-0" asks for nothing: unsatisfiable, so it is answered like a start past the end.
            { From: null, To: 0 } => ArtifactRange.Between(long.MaxValue, null),
            _ => null,
        };
    }

    private static CairnException Missing(ArtifactPath path) => CairnException.NotFound($"Artifact '{path}' does not exist.");

    private static void WriteCommonHeaders(HttpContext context, string fileName, ArtifactDisposition disposition, DateTimeOffset lastModified)
    {
        var headers = context.Response.Headers;
        var value = new ContentDispositionHeaderValue(disposition == ArtifactDisposition.Inline ? "inline" : "attachment");
        value.SetHttpFileName(fileName);
        headers.ContentDisposition = value.ToString();
        headers.XContentTypeOptions = "nosniff";
        headers.AcceptRanges = "bytes";
        headers.LastModified = lastModified.ToString("R", CultureInfo.InvariantCulture);
        if (disposition == ArtifactDisposition.Inline)
        {
            // Shown inside the UI: whatever the file holds (HTML, SVG) runs in an opaque origin without scripts,
            // even when opened directly, and may load nothing from elsewhere.
            headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:";
        }
    }

    /// <summary>A remote store may fail on its first read; before any byte is sent that is still an ordinary MLflow error.</summary>
    private static async Task SendAsync(HttpContext context, Stream content, CancellationToken cancellationToken)
    {
        try
        {
            await content.CopyToAsync(context.Response.Body, 1 << 16, cancellationToken);
        }
        catch (CairnException exception) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await MlflowErrors.WriteAsync(context, exception.Code, exception.Message, exception.Code.StatusCode());
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private sealed class WholeFileResult(ArtifactFile file, string fileName, string contentType, ArtifactDisposition disposition) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using (file)
            {
                WriteCommonHeaders(httpContext, fileName, disposition, file.LastModified);
                httpContext.Response.ContentType = contentType;
                httpContext.Response.ContentLength = file.Length;
                await SendAsync(httpContext, file.Content, httpContext.RequestAborted);
            }
        }
    }

    private sealed class SliceResult(ArtifactSlice slice, string fileName, string contentType, ArtifactDisposition disposition) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using (slice)
            {
                var response = httpContext.Response;
                WriteCommonHeaders(httpContext, fileName, disposition, slice.LastModified);
                if (!slice.Satisfied)
                {
                    response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    response.Headers.ContentRange = new ContentRangeHeaderValue(slice.TotalLength).ToString();
                    response.ContentLength = 0;
                    return;
                }

                response.StatusCode = StatusCodes.Status206PartialContent;
                response.ContentType = contentType;
                response.ContentLength = slice.Length;
                response.Headers.ContentRange = new ContentRangeHeaderValue(slice.Offset, slice.Offset + slice.Length - 1, slice.TotalLength).ToString();
                await SendAsync(httpContext, slice.Content, httpContext.RequestAborted);
            }
        }
    }
}

/// <summary>Downloads are attachments (MLflow's behaviour); UI previews are inline and sandboxed.</summary>
internal enum ArtifactDisposition
{
    Attachment,
    Inline,
}
