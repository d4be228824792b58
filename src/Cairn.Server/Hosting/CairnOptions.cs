using System.ComponentModel.DataAnnotations;

namespace Cairn.Server.Hosting;

/// <summary>Where the server listens. Flags <c>--host</c>/<c>--port</c>, or CAIRN_SERVER__HOST / CAIRN_SERVER__PORT.</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(0, 65535)]
    public int Port { get; set; } = 5000;
}

/// <summary>Metadata store. Flag <c>--backend-store-uri</c>, or CAIRN_STORAGE__BACKENDSTOREURI.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    [Required]
    public string BackendStoreUri { get; set; } = "sqlite:///cairn-data/cairn.db";
}

/// <summary>
/// Artifact root: a folder, or <c>s3://bucket/prefix</c>. Flag <c>--artifacts-destination</c>, or CAIRN_ARTIFACTS__DESTINATION.
/// </summary>
public sealed class ArtifactOptions
{
    public const string Section = "Artifacts";

    [Required]
    public string Destination { get; set; } = "cairn-data/artifacts";

    /// <summary>How to reach S3 (<c>Artifacts:S3:…</c>); MLflow's and AWS's environment variables fill it by default.</summary>
    public S3Options S3 { get; set; } = new();
}

/// <summary>
/// S3 connection settings, from <c>Artifacts:S3:EndpointUrl</c> … or, as MLflow reads them, MLFLOW_S3_ENDPOINT_URL,
/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION / AWS_DEFAULT_REGION.
/// </summary>
public sealed class S3Options
{
    public string? EndpointUrl { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? SessionToken { get; set; }

    public string? Region { get; set; }
}
