namespace Cairn.Server.Features.Health;

public static class HealthEndpoints
{
    /// <summary>The MLflow API level this server speaks; MLflow clients compare it before using newer routes.</summary>
    public const string MlflowApiVersion = "2.12.2";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Text("OK"));
        app.MapGet("/version", () => TypedResults.Text(MlflowApiVersion));

        // MLflow 3.x clients probe this (telemetry, workspaces); Cairn is an SQL-backed store without workspaces.
        app.MapGet("/api/3.0/mlflow/server-info", () => TypedResults.Text("{\"store_type\": \"SqlStore\", \"workspaces_enabled\": false}", "application/json"));
        return app;
    }
}
