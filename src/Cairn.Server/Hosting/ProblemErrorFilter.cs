using Cairn.Core;
using Cairn.Server.Mlflow;

namespace Cairn.Server.Hosting;

/// <summary>Errors of Cairn's own /api/v1 routes: ProblemDetails carrying the same error code as the MLflow routes.</summary>
internal sealed class ProblemErrorFilter(ILogger<ProblemErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (CairnException exception)
        {
            return Problem(exception.Code, exception.Message);
        }
        catch (BadHttpRequestException exception)
        {
            return Problem(ErrorCode.InvalidParameterValue, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.UnhandledError(logger, exception, context.HttpContext.Request.Path);
            return Problem(ErrorCode.InternalError, "An internal error occurred.");
        }
    }

    private static IResult Problem(ErrorCode code, string message) => TypedResults.Problem(
        detail: message,
        statusCode: code.StatusCode(),
        title: code.WireName(),
        extensions: new Dictionary<string, object?> { ["errorCode"] = code.WireName() });
}
