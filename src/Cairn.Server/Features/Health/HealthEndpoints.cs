namespace Cairn.Server.Features.Health;

public static class HealthEndpoints
{
    /// <summary>The MLflow API level this server speaks; MLflow clients compare it before using newer routes.</summary>
    public const string MlflowApiVersion = "2.12.2";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Text("OK"));
        app.MapGet("/version", () => TypedResults.Text(MlflowApiVersion));
        return app;
    }
}
