namespace Cairn.Core;

/// <summary>A failure the caller can act on: it carries the error code the API reports.</summary>
public sealed class CairnException(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    public static CairnException InvalidParameter(string message) => new(ErrorCode.InvalidParameterValue, message);

    public static CairnException NotFound(string message) => new(ErrorCode.ResourceDoesNotExist, message);

    public static CairnException AlreadyExists(string message) => new(ErrorCode.ResourceAlreadyExists, message);

    public static CairnException MissingParameter(string field) => InvalidParameter(
        $"Missing value for required parameter '{field}'. See the API docs for more information about request parameters.");
}
