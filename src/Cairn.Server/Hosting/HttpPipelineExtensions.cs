using System.Diagnostics;
using Cairn.Core;
using Cairn.Core.Artifacts;
using Cairn.Server.Mlflow;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Server.Hosting;

internal static partial class HttpPipelineExtensions
{
    /// <summary>
    /// Kestrel resolves <c>..</c> segments before routing, which would turn a traversal attempt into some other route.
    /// Refuse any request whose raw target holds a dot segment (plain or percent-encoded) instead.
    /// </summary>
    public static IApplicationBuilder UseDotSegmentGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        if (path.Contains("/.", StringComparison.Ordinal) || path.Contains('%', StringComparison.Ordinal))
        {
            try
            {
                ArtifactPath.Parse(path.TrimStart('/'));
            }
            catch (CairnException exception)
            {
                await MlflowErrors.WriteAsync(context, ErrorCode.InvalidParameterValue, exception.Message, 400);
                return;
            }
        }

        await next(context);
    });

    /// <summary>Unknown API paths and wrong methods answer in MLflow's JSON error form, not an empty body.</summary>
    public static IApplicationBuilder UseJsonStatusPages(this IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var http = context.HttpContext;
        var path = http.Request.Path;
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/ajax-api"))
        {
            return;
        }

        var status = http.Response.StatusCode;
        var message = status switch
        {
            404 => $"No API endpoint at {http.Request.Method} {path}.",
            405 => $"Method {http.Request.Method} is not allowed for {path}.",
            413 => "The request body is too large.",
            _ => $"Request failed with status {status}.",
        };
        var code = status is 404 or 405 ? ErrorCode.EndpointNotFound : ErrorCode.BadRequest;
        await MlflowErrors.WriteAsync(http, code, message, status);
    });

    /// <summary>One line per request, at debug level only.</summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cairn.Requests");
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Debug))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            await next(context);
            LogRequest(logger, context.Request.Method, context.Request.Path, context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Method} {Path} {Status} {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, int status, double elapsedMs);
}
