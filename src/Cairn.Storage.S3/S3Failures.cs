using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Cairn.Core;

namespace Cairn.Storage.S3;

/// <summary>
/// Turns failures of the S3 service (unreachable, refusing, erroring) into <see cref="ErrorCode.TemporarilyUnavailable"/>,
/// so callers answer 503 with a clear message instead of a bare 500. Cancellation by the caller passes through.
/// </summary>
internal static class S3Failures
{
    public static async Task<T> CallAsync<T>(S3Location location, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (IsServiceFailure(exception, cancellationToken))
        {
            throw Unavailable(location, exception);
        }
    }

    public static async Task CallAsync(S3Location location, Func<Task> call, CancellationToken cancellationToken) =>
        await CallAsync(location, async () =>
        {
            await call();
            return true;
        }, cancellationToken);

    public static bool IsNotFound(Exception exception) =>
        exception is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound };

    public static bool IsServiceFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };

    public static CairnException Unavailable(S3Location location, Exception exception)
    {
        var reason = exception switch
        {
            AmazonS3Exception s3 when !string.IsNullOrEmpty(s3.ErrorCode) => $"{s3.ErrorCode} ({(int)s3.StatusCode}): {s3.Message}",
            OperationCanceledException => "the request timed out",
            _ => Innermost(exception).Message,
        };
        return new CairnException(ErrorCode.TemporarilyUnavailable, $"Artifact storage {location} is unavailable: {reason}");
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
