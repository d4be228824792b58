using Microsoft.AspNetCore.DataProtection;

namespace Cairn.Server.Features.Ui;

/// <summary>
/// The web UI: Razor components rendered on the server and kept interactive over the Blazor circuit. Its files
/// (the Blazor script and the stylesheet) are embedded in this assembly, so the UI works offline from the one binary;
/// <see cref="UiAsset"/> serves them compressed and cacheable.
/// </summary>
public static class UiEndpoints
{
    /// <summary>Blazor's script, from the framework's assets package.</summary>
    internal static readonly UiAsset Script = new("/_framework/blazor.web.js", "Cairn.Ui/blazor.web.js", "text/javascript");

    internal static readonly UiAsset Stylesheet = new("/ui/cairn.css", "Cairn.Ui/cairn.css", "text/css");

    /// <summary>Cairn's own canvas renderer (parallel coordinates past ~2,000 lines).</summary>
    internal static readonly UiAsset ChartsScript = new("/ui/cairn-charts.js", "Cairn.Ui/cairn-charts.js", "text/javascript");

    /// <summary>Address-bound controls of the pages rendered without a circuit (the compare page).</summary>
    internal static readonly UiAsset PageScript = new("/ui/cairn-page.js", "Cairn.Ui/cairn-page.js", "text/javascript");

    public static WebApplicationBuilder AddUi(this WebApplicationBuilder builder)
    {
        // A page hands what it read while prerendering to its circuit ([PersistentState]) in the circuit's first message;
        // the model list at 1,000 rows is a few hundred kilobytes, past SignalR's 32 KB default.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(options => options.MaximumReceiveMessageSize = 1024 * 1024);

        // Blazor protects its prerendered state with keys that only this process needs (a circuit stays on the server
        // that started it), so nothing is written to the user's profile.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        return builder;
    }

    public static WebApplication MapUi(this WebApplication app)
    {
        foreach (var asset in new[] { Script, Stylesheet, ChartsScript, PageScript })
        {
            app.MapGet(asset.Path, asset.Serve).ExcludeFromDescription();
        }

        app.UseAntiforgery();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
