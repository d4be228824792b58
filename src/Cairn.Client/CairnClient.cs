using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Cairn.Contracts.Mlflow;
using Cairn.Contracts.V1;

namespace Cairn.Client;

/// <summary>
/// A typed client for a Cairn server. The address comes from the argument, else <c>CAIRN_TRACKING_URI</c>,
/// else <c>MLFLOW_TRACKING_URI</c>, else <c>http://127.0.0.1:5000</c>.
/// </summary>
public sealed partial class CairnClient : IDisposable
{
    private const string Mlflow = "api/2.0/mlflow/";
    private static readonly MlflowJsonContext MlflowJson = MlflowJsonContext.Wire;
    private static readonly CairnJsonContext CairnJson = CairnJsonContext.Default;
    private readonly HttpClient _http;

    /// <summary>Uses the given HttpClient, whose BaseAddress must be the server's address.</summary>
    public CairnClient(HttpClient http) => _http = http;

    /// <summary>Creates a client for the server at <paramref name="trackingUri"/> or the configured default.</summary>
    public static CairnClient Create(string? trackingUri = null)
    {
        var uri = trackingUri
            ?? Environment.GetEnvironmentVariable("CAIRN_TRACKING_URI")
            ?? Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI")
            ?? "http://127.0.0.1:5000";
        if (!Uri.TryCreate(uri.EndsWith('/') ? uri : uri + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Invalid tracking URI '{uri}': expected http://host:port.");
        }

        return new CairnClient(new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) });
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        return await ReadAsync(response, type, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, requestType) };
        using var response = await _http.SendAsync(request, cancellationToken);
        return await ReadAsync(response, responseType, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Error(response, text);
        }

        return JsonSerializer.Deserialize(text.Length == 0 ? "{}" : text, type)!;
    }

    /// <summary>Reads MLflow's <c>{"error_code","message"}</c> and Cairn's ProblemDetails alike.</summary>
    private static CairnClientException Error(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        try
        {
            if (JsonNode.Parse(text) is JsonObject body)
            {
                var code = body["error_code"]?.GetValue<string>() ?? body["errorCode"]?.GetValue<string>();
                var message = body["message"]?.GetValue<string>() ?? body["detail"]?.GetValue<string>();
                if (code is not null)
                {
                    return new CairnClientException(status, code, message ?? code);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to a status-derived code.
        }

        return new CairnClientException(status, status == 404 ? "ENDPOINT_NOT_FOUND" : status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST",
            $"The server answered {status}: {(text.Length > 200 ? text[..200] : text)}");
    }

    /// <summary>Follows page tokens until the last page and returns every item.</summary>
    private async Task<List<TItem>> AllPagesAsync<TPage, TItem>(Func<string?, string> path, JsonTypeInfo<TPage> type,
        Func<TPage, (List<TItem>? Items, string? Next)> read, CancellationToken cancellationToken)
    {
        var items = new List<TItem>();
        string? token = null;
        do
        {
            var (pageItems, next) = read(await GetAsync(path(token), type, cancellationToken));
            items.AddRange(pageItems ?? []);
            token = next;
        }
        while (token is not null);
        return items;
    }

    private static string Query(params (string Key, string? Value)[] fields)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in fields.Where(f => f.Value is not null))
        {
            builder.Append(builder.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value!));
        }

        return builder.ToString();
    }
}
