using System.Diagnostics;
using Cairn.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.Serving.Payloads;

/// <summary>
/// Captures the request and response bodies of sampled prediction requests (MLflow /invocations and OIP /infer) and
/// hands them to <see cref="PayloadLogWriter"/>. Unsampled requests pass through untouched.
/// </summary>
internal static class PayloadLogMiddleware
{
    /// <summary>Set by the prediction endpoints: the model that answered the request.</summary>
    public const string ModelItem = "cairn.served_model";

    /// <summary>Set by the prediction endpoints for column models: the rows scored and the predictions (<see cref="PayloadFrames"/>).</summary>
    public const string FramesItem = "cairn.payload_frames";

    public static IApplicationBuilder UsePayloadLog(this IApplicationBuilder app)
    {
        var writer = app.ApplicationServices.GetService<PayloadLogWriter>();
        return writer is null ? app : app.Use(async (context, next) =>
        {
            if (!IsPrediction(context.Request) || !writer.ShouldSample())
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var time = TimeProvider.System.GetUtcNow();
            using var request = new MemoryStream();
            await context.Request.Body.CopyToAsync(request, context.RequestAborted);
            request.Position = 0;
            context.Request.Body = request;

            var original = context.Response.Body;
            using var response = new MemoryStream();
            context.Response.Body = response;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            response.Position = 0;
            await response.CopyToAsync(original, context.RequestAborted);
            if (context.Items[ModelItem] is ServedModel model)
            {
                writer.Enqueue(new PayloadRecord(time, context.TraceIdentifier, model.Name, model.Version, IsOip(context.Request) ? "oip" : "mlflow",
                    context.Request.Path, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    context.Request.ContentType, request.ToArray(), response.ToArray(), context.Items[FramesItem] as PayloadFrames));
            }
        });
    }

    private static bool IsPrediction(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Value is { } path
        && (path.EndsWith("/invocations", StringComparison.Ordinal) || IsOip(request));

    private static bool IsOip(HttpRequest request) =>
        request.Path.Value is { } path && path.StartsWith("/v2/models/", StringComparison.Ordinal) && path.EndsWith("/infer", StringComparison.Ordinal);
}
