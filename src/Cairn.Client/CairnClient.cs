using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Cairn.Contracts.Mlflow;
using Cairn.Contracts.V1;

namespace Cairn.Client;

/// <summary>
/// A typed client for a Cairn (or any MLflow-compatible) server. The address comes from the argument, else
/// <c>CAIRN_TRACKING_URI</c>, else <c>MLFLOW_TRACKING_URI</c>, else <c>http://127.0.0.1:5000</c>.
/// Idempotent calls are retried on 5xx, 429 and connection failures; others only on 429 and 503, which
/// a server answers before it has done anything.
/// </summary>
public sealed partial class CairnClient : IDisposable
{
    private const string Mlflow = "api/2.0/mlflow/";
    private static readonly MlflowJsonContext MlflowJson = MlflowJsonContext.Wire;
    private static readonly CairnJsonContext CairnJson = CairnJsonContext.Default;
    private readonly HttpClient _http;

    /// <summary>Uses the given HttpClient, whose BaseAddress must be the server's address.</summary>
    public CairnClient(HttpClient http, RetryPolicy? retry = null, TimeProvider? time = null)
    {
        _http = http;
        Retry = retry ?? RetryPolicy.Default;
        Time = time ?? TimeProvider.System;
    }

    /// <summary>The server's address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>How failed calls are retried.</summary>
    public RetryPolicy Retry { get; }

    /// <summary>The clock used for metric timestamps and run times.</summary>
    public TimeProvider Time { get; }

    /// <summary>Creates a client for the server at <paramref name="trackingUri"/> or the configured default.</summary>
    public static CairnClient Create(string? trackingUri = null, RetryPolicy? retry = null)
    {
        var address = TrackingUri.Resolve(trackingUri, Environment.GetEnvironmentVariable);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All };
        return new CairnClient(new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(300) }, retry);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private long NowMs() => Time.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendCoreAsync(() => new HttpRequestMessage(HttpMethod.Get, path), idempotent: true, type, cancellationToken);

    private Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken, bool idempotent = true)
    {
        // Serialised once; each attempt gets a fresh message over the same bytes.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        return SendCoreAsync(() => new HttpRequestMessage(method, path) { Content = JsonBytes(bytes) }, idempotent, responseType, cancellationToken);
    }

    private static ByteArrayContent JsonBytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<T> SendCoreAsync<T>(Func<HttpRequestMessage> request, bool idempotent, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendWithRetryAsync(request, idempotent, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadAsync(response, type, cancellationToken);
    }

    /// <summary>Sends with retries; the caller owns (and must dispose) the final response, successful or not.</summary>
    private async Task<HttpResponseMessage> SendWithRetryAsync(Func<HttpRequestMessage> request, bool idempotent, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var message = request();
                response = await _http.SendAsync(message, completion, cancellationToken);
            }
            catch (HttpRequestException error) when (idempotent && attempt < Retry.MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                _ = error;
                await Task.Delay(Retry.DelayBefore(attempt + 1, null), Time, cancellationToken);
                continue;
            }

            if (attempt < Retry.MaxAttempts && Retry.ShouldRetry(response.StatusCode, idempotent))
            {
                var delay = Retry.DelayBefore(attempt + 1, response.Headers.RetryAfter?.Delta);
                response.Dispose();
                await Task.Delay(delay, Time, cancellationToken);
                continue;
            }

            return response;
        }
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

        return new CairnClientException(status, status switch
        {
            404 => "ENDPOINT_NOT_FOUND",
            429 => "REQUEST_LIMIT_EXCEEDED",
            503 => "TEMPORARILY_UNAVAILABLE",
            >= 500 => "INTERNAL_ERROR",
            _ => "BAD_REQUEST",
        }, $"The server answered {status}: {(text.Length > 200 ? text[..200] : text)}");
    }

    /// <summary>Follows page tokens until the last page and returns every item.</summary>
    private async Task<List<TItem>> AllPagesAsync<TPage, TItem>(Func<string?, Task<TPage>> fetch,
        Func<TPage, (List<TItem>? Items, string? Next)> read)
    {
        var items = new List<TItem>();
        string? token = null;
        do
        {
            var (pageItems, next) = read(await fetch(token));
            items.AddRange(pageItems ?? []);
            token = string.IsNullOrEmpty(next) ? null : next;
        }
        while (token is not null);
        return items;
    }

    private Task<List<TItem>> AllPagesAsync<TPage, TItem>(Func<string?, string> path, JsonTypeInfo<TPage> type,
        Func<TPage, (List<TItem>? Items, string? Next)> read, CancellationToken cancellationToken) =>
        AllPagesAsync(token => GetAsync(path(token), type, cancellationToken), read);

    private static string Query(params (string Key, string? Value)[] fields)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in fields.Where(f => f.Value is not null))
        {
            builder.Append(builder.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value!));
        }

        return builder.ToString();
    }

    private static List<KeyValueDto>? Pairs(IReadOnlyDictionary<string, string>? values) =>
        values is null || values.Count == 0 ? null : values.Select(p => new KeyValueDto(p.Key, p.Value)).ToList();
}
