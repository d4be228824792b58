using System.Net.Sockets;
using System.Text;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>
/// Sends a request target byte for byte. HttpClient normalises dot segments before sending,
/// so traversal attempts have to be written on the socket to reach the server as an attacker would send them.
/// </summary>
public static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(Uri server, string method, string target, string? body = null, string? headers = null)
    {
        using var client = new TcpClient();
        var cancel = TestContext.Current.CancellationToken;
        await client.ConnectAsync(server.Host, server.Port, cancel);
        await using var stream = client.GetStream();
        var payload = body ?? "";
        var contentHeaders = headers ?? (body is null ? "" : $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(payload)}\r\n");
        var request = $"{method} {target} HTTP/1.1\r\nHost: {server.Host}\r\n{contentHeaders}Connection: close\r\n\r\n{payload}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cancel);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(cancel).WaitAsync(TimeSpan.FromSeconds(30), cancel);
        var status = int.Parse(response.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? "" : response[(split + 4)..]);
    }
}
