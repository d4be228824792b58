using Cairn.Serving.Hosting;
using Cairn.Serving.Payloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.Serving.Metrics;

internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        var metrics = app.ServiceProvider.GetRequiredService<ServingMetrics>();
        var payloads = app.ServiceProvider.GetService<PayloadLogWriter>();
        app.MapGet("/metrics", context => JsonResponse.WriteTextAsync(context, 200, metrics.Render() + PayloadCounters(payloads), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }

    private static string PayloadCounters(PayloadLogWriter? payloads) => payloads is null ? string.Empty :
        "# HELP cairn_serving_payloads_logged_total Prediction payloads written to the payload log.\n# TYPE cairn_serving_payloads_logged_total counter\n"
        + $"cairn_serving_payloads_logged_total {payloads.Written}\n"
        + "# HELP cairn_serving_payloads_dropped_total Payload records dropped because the log's queue was full.\n# TYPE cairn_serving_payloads_dropped_total counter\n"
        + $"cairn_serving_payloads_dropped_total {payloads.Dropped}\n";
}
