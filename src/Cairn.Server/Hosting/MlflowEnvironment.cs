namespace Cairn.Server.Hosting;

/// <summary>
/// MLflow's and AWS's own environment variables, as configuration keys, so a deployment configured for an MLflow
/// server works unchanged. Flags and CAIRN_ variables still win; AWS_REGION wins over AWS_DEFAULT_REGION, as in the SDKs.
/// </summary>
public static class MlflowEnvironment
{
    private static readonly (string Variable, string Key)[] Mappings =
    [
        ("MLFLOW_S3_ENDPOINT_URL", "Artifacts:S3:EndpointUrl"),
        ("AWS_ACCESS_KEY_ID", "Artifacts:S3:AccessKeyId"),
        ("AWS_SECRET_ACCESS_KEY", "Artifacts:S3:SecretAccessKey"),
        ("AWS_SESSION_TOKEN", "Artifacts:S3:SessionToken"),
        ("AWS_DEFAULT_REGION", "Artifacts:S3:Region"),
        ("AWS_REGION", "Artifacts:S3:Region"),
    ];

    public static IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Mappings)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                settings[key] = value;
            }
        }

        return settings;
    }
}
