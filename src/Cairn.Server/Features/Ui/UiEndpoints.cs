using System.Reflection;
using Microsoft.AspNetCore.DataProtection;

namespace Cairn.Server.Features.Ui;

/// <summary>
/// The web UI: Razor components rendered on the server and kept interactive over the Blazor circuit. Its files
/// (the Blazor script and the stylesheet) are embedded in this assembly, so the UI works offline from the one binary.
/// </summary>
public static class UiEndpoints
{
    public const string StylesheetPath = "/ui/cairn.css";

    /// <summary>Cairn's own canvas renderer (parallel coordinates past ~2,000 lines).</summary>
    public const string ChartsScriptPath = "/ui/cairn-charts.js";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/_framework/blazor.web.js", "Cairn.Ui/blazor.web.js", "text/javascript"),
        (StylesheetPath, "Cairn.Ui/cairn.css", "text/css"),
        (ChartsScriptPath, "Cairn.Ui/cairn-charts.js", "text/javascript"),
    ];

    public static WebApplicationBuilder AddUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        // Blazor protects its prerendered state with keys that only this process needs (a circuit stays on the server
        // that started it), so nothing is written to the user's profile.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        return builder;
    }

    public static WebApplication MapUi(this WebApplication app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Load(resource);
            var etag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}\"");
            app.MapGet(path, () => TypedResults.Bytes(bytes, contentType, entityTag: etag)).ExcludeFromDescription();
        }

        app.UseAntiforgery();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
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
