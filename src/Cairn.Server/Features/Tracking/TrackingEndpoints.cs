using Cairn.Server.Mlflow;

namespace Cairn.Server.Features.Tracking;

public static class TrackingEndpoints
{
    /// <summary>MLflow's REST prefixes: clients use /api, the MLflow web UI uses /ajax-api; the handlers are the same.</summary>
    public static readonly string[] Prefixes = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow", "/api/2.0/preview/mlflow"];

    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
        {
            var group = app.MapGroup(prefix).AddEndpointFilter<MlflowErrorFilter>();
            ExperimentEndpoints.Map(group);
            RunEndpoints.Map(group);
            LoggingEndpoints.Map(group);
            MetricHistoryEndpoints.Map(group);
            LoggedModelEndpoints.Map(group);
        }

        return app;
    }
}
