using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Cairn.Storage.S3;

internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3Settings settings)
    {
        var region = string.IsNullOrWhiteSpace(settings.Region) ? S3Settings.DefaultRegion : settings.Region;
        var config = new AmazonS3Config
        {
            // Many S3-compatible servers do not understand the SDK's default trailing checksums; ask for them only
            // when the operation requires one.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // An unreachable endpoint should fail the request in seconds, not minutes.
            MaxErrorRetry = 2,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (string.IsNullOrWhiteSpace(settings.EndpointUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            if (!Uri.TryCreate(settings.EndpointUrl, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"S3 endpoint '{settings.EndpointUrl}' (MLFLOW_S3_ENDPOINT_URL) must be an http(s) URL.");
            }

            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
            config.ForcePathStyle = true;
        }

        if (string.IsNullOrEmpty(settings.AccessKeyId) != string.IsNullOrEmpty(settings.SecretAccessKey))
        {
            throw new ArgumentException("S3 credentials need both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (SDK default chain).");
        }

        if (string.IsNullOrEmpty(settings.AccessKeyId))
        {
            return new AmazonS3Client(config);
        }

        AWSCredentials credentials = string.IsNullOrEmpty(settings.SessionToken)
            ? new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey)
            : new SessionAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey, settings.SessionToken);
        return new AmazonS3Client(credentials, config);
    }
}
