namespace Cairn.Core;

/// <summary>Error categories shared by every API; each surface maps them to its own wire form.</summary>
public enum ErrorCode
{
    InternalError,
    BadRequest,
    InvalidParameterValue,
    InvalidState,
    ResourceAlreadyExists,
    ResourceDoesNotExist,
    EndpointNotFound,
    NotImplemented,
    TemporarilyUnavailable,
    RequestLimitExceeded,
    PermissionDenied,
    Unauthenticated,
}
