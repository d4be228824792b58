using System.Text.Json;
using Cairn.Contracts.Mlflow;
using Cairn.Core;

namespace Cairn.Server.Mlflow;

/// <summary>MLflow's error wire form: <c>{"error_code": "...", "message": "..."}</c> with MLflow's status codes.</summary>
internal static class MlflowErrors
{
    public static string WireName(this ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => "BAD_REQUEST",
        ErrorCode.InvalidParameterValue => "INVALID_PARAMETER_VALUE",
        ErrorCode.InvalidState => "INVALID_STATE",
        ErrorCode.ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
        ErrorCode.ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
        ErrorCode.EndpointNotFound => "ENDPOINT_NOT_FOUND",
        ErrorCode.NotImplemented => "NOT_IMPLEMENTED",
        ErrorCode.TemporarilyUnavailable => "TEMPORARILY_UNAVAILABLE",
        ErrorCode.RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
        ErrorCode.PermissionDenied => "PERMISSION_DENIED",
        ErrorCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "INTERNAL_ERROR",
    };

    public static int StatusCode(this ErrorCode code) => code switch
    {
        ErrorCode.BadRequest or ErrorCode.InvalidParameterValue or ErrorCode.ResourceAlreadyExists => 400,
        ErrorCode.ResourceDoesNotExist or ErrorCode.EndpointNotFound => 404,
        ErrorCode.PermissionDenied => 403,
        ErrorCode.Unauthenticated => 401,
        ErrorCode.RequestLimitExceeded => 429,
        ErrorCode.NotImplemented => 501,
        ErrorCode.TemporarilyUnavailable => 503,
        _ => 500,
    };

    public static IResult Result(CairnException exception) => Result(exception.Code, exception.Message, exception.Code.StatusCode());

    public static IResult Result(ErrorCode code, string message, int status) =>
        TypedResults.Json(new ErrorResponse(code.WireName(), message), MlflowJsonContext.Wire.ErrorResponse, statusCode: status);

    public static Task WriteAsync(HttpContext context, ErrorCode code, string message, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new ErrorResponse(code.WireName(), message),
            MlflowJsonContext.Wire.ErrorResponse, context.RequestAborted);
    }
}

/// <summary>Maps exceptions from MLflow-route handlers to MLflow error bodies; a client mistake never becomes a 500.</summary>
internal sealed class MlflowErrorFilter(ILogger<MlflowErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (CairnException exception)
        {
            return MlflowErrors.Result(exception);
        }
        catch (BadHttpRequestException exception)
        {
            return MlflowErrors.Result(ErrorCode.InvalidParameterValue, exception.Message, 400);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception exception)
        {
            Log.UnhandledError(logger, exception, context.HttpContext.Request.Path);
            return MlflowErrors.Result(ErrorCode.InternalError, "An internal error occurred.", 500);
        }
    }
}
