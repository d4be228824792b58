using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Cairn.Server.Features.Ui;

/// <summary>
/// One embedded UI file (the Blazor script, the stylesheet). Pages link it by a versioned address (<see cref="VersionedPath"/>,
/// the content hash in the query), which browsers may keep for a year without asking again; the bare address still works and
/// is revalidated by ETag. Bodies are compressed once, on first request, with Brotli or gzip as the browser accepts.
/// </summary>
internal sealed class UiAsset
{
    private const string Immutable = "public, max-age=31536000, immutable";

    private readonly byte[] _identity;
    private readonly Lazy<byte[]> _brotli;
    private readonly Lazy<byte[]> _gzip;

    public UiAsset(string path, string resource, string contentType)
    {
        Path = path;
        ContentType = contentType;
        _identity = Load(resource);
        Version = Convert.ToHexStringLower(SHA256.HashData(_identity))[..16];
        _brotli = new Lazy<byte[]>(() => Compress(_identity, s => new BrotliStream(s, CompressionLevel.Optimal)));
        _gzip = new Lazy<byte[]>(() => Compress(_identity, s => new GZipStream(s, CompressionLevel.Optimal)));
    }

    public string Path { get; }

    public string ContentType { get; }

    /// <summary>The first 16 hex digits of the content's SHA-256.</summary>
    public string Version { get; }

    public string VersionedPath => $"{Path}?v={Version}";

    public IResult Serve(HttpContext context)
    {
        var (body, encoding) = Choose(context.Request);
        var headers = context.Response.Headers;
        headers.CacheControl = context.Request.Query["v"] == Version ? Immutable : "no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;
        if (encoding is not null)
        {
            headers.ContentEncoding = encoding;
        }

        // Each encoding is its own representation, so it has its own tag; the result answers If-None-Match with 304.
        var tag = new EntityTagHeaderValue($"\"{Version}{(encoding is null ? "" : "-" + encoding)}\"");
        return TypedResults.Bytes(body, ContentType, entityTag: tag);
    }

    private (byte[] Body, string? Encoding) Choose(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        bool Accepts(string name) => accepted.Any(e => string.Equals(e.Value.Value, name, StringComparison.OrdinalIgnoreCase) && (e.Quality ?? 1) > 0);
        if (Accepts("br"))
        {
            return (_brotli.Value, "br");
        }

        return Accepts("gzip") ? (_gzip.Value, "gzip") : (_identity, null);
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> encoder)
    {
        using var output = new MemoryStream();
        using (var stream = encoder(output))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Load(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The UI file {resource} is not embedded in the server; the build is incomplete.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
