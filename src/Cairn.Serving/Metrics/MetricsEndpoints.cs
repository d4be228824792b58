using Cairn.Serving.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.Serving.Metrics;

internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        var metrics = app.ServiceProvider.GetRequiredService<ServingMetrics>();
        app.MapGet("/metrics", context => JsonResponse.WriteTextAsync(context, 200, metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}
