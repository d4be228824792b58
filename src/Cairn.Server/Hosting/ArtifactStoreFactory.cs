using Cairn.Core.Artifacts;
using Cairn.Storage.Artifacts;
using Cairn.Storage.S3;

namespace Cairn.Server.Hosting;

/// <summary>Chooses the artifact store from the destination: <c>s3://bucket/prefix</c> or a local folder.</summary>
public static class ArtifactStoreFactory
{
    public static IArtifactStore Create(ArtifactOptions options, string workingDirectory)
    {
        var destination = options.Destination.Trim();
        if (S3Location.IsS3(destination))
        {
            var s3 = options.S3;
            return new S3ArtifactStore(S3Location.Parse(destination),
                new S3Settings(s3.EndpointUrl, s3.AccessKeyId, s3.SecretAccessKey, s3.SessionToken, s3.Region));
        }

        if (destination.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Unsupported artifacts destination '{destination}': use a folder or s3://bucket/prefix (Artifacts:Destination, --artifacts-destination).");
        }

        return new LocalArtifactStore(Path.GetFullPath(destination, workingDirectory));
    }
}
