namespace Cairn.Storage.S3;

/// <summary>
/// How to reach the S3 service. Empty values fall back to the AWS SDK's defaults (credential chain, AWS endpoints);
/// a custom endpoint (MinIO, Ceph, …) is addressed path-style.
/// </summary>
public sealed record S3Settings(string? EndpointUrl, string? AccessKeyId, string? SecretAccessKey, string? SessionToken, string? Region)
{
    public const string DefaultRegion = "us-east-1";

    /// <summary>Bytes per multipart part: 8 MiB keeps memory per upload small while 10,000 parts still allow 80 GiB.</summary>
    public int PartSizeBytes { get; init; } = 8 * 1024 * 1024;
}
