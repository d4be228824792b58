using Cairn.Core.Registry;

namespace Cairn.Server.Features.Registry;

internal static class RequestActor
{
    /// <summary>The authenticated caller, or "unknown" while the server runs without authentication.</summary>
    public static Actor Of(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? new Actor(name) : Actor.Unknown;
}
