using Cairn.Core.Registry;
using Microsoft.AspNetCore.Components.Authorization;

namespace Cairn.Server.Features.Ui.Registry;

/// <summary>Who a change made from the UI is recorded as: the circuit's signed-in user, as the REST API uses the request's.</summary>
internal static class UiActor
{
    public static async Task<Actor> OfAsync(AuthenticationStateProvider authentication)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? new Actor(name) : Actor.Unknown;
    }
}
