namespace Cairn.Client;

/// <summary>Where the tracking server is: the argument, else <c>CAIRN_TRACKING_URI</c>, else <c>MLFLOW_TRACKING_URI</c>, else the local default.</summary>
public static class TrackingUri
{
    public const string LocalDefault = "http://127.0.0.1:5000";

    public static Uri Resolve(string? explicitUri, Func<string, string?> environment)
    {
        var uri = explicitUri ?? environment("CAIRN_TRACKING_URI") ?? environment("MLFLOW_TRACKING_URI") ?? LocalDefault;
        if (!Uri.TryCreate(uri.EndsWith('/') ? uri : uri + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Invalid tracking URI '{uri}': expected http://host:port or https://host:port.");
        }

        return address;
    }
}
