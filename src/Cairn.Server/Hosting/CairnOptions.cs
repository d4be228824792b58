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

/// <summary>Artifact root. Flag <c>--artifacts-destination</c>, or CAIRN_ARTIFACTS__DESTINATION.</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Artifacts";

    [Required]
    public string Destination { get; set; } = "cairn-data/artifacts";
}
