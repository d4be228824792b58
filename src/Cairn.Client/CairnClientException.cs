namespace Cairn.Client;

/// <summary>An error answered by the server, with its error code (for example <c>RESOURCE_DOES_NOT_EXIST</c>).</summary>
public sealed class CairnClientException(int statusCode, string errorCode, string message) : Exception(message)
{
    /// <summary>The HTTP status of the answer.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The error code from the body, or one derived from the status when the body had none.</summary>
    public string ErrorCode { get; } = errorCode;
}
