using System.Text.RegularExpressions;

/// <summary>
/// The <c>--disable-features</c> switch the paint benches launch chromium with. Since Chromium 151, every new window
/// (each Playwright page is one) preloads the WebUI address-bar popup in a renderer of its own; a trace of one
/// navigation showed it busy for a whole core while the measured page loaded, which on two cores is the page's CPU time.
/// No user pays for that per page they open, so the benches turn both popups off. Chromium honours only the last
/// <c>--disable-features</c>, so the switch repeats Playwright's own list (read from its driver) before adding these.
/// </summary>
internal static partial class ChromiumFeatures
{
    private static readonly string[] Disabled = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"];

    public static string DisableSwitch()
    {
        var driver = Path.Combine(AppContext.BaseDirectory, ".playwright", "package", "lib", "coreBundle.js");
        var match = File.Exists(driver) ? PlaywrightList().Match(File.ReadAllText(driver)) : Match.Empty;
        if (!match.Success)
        {
            throw new InvalidOperationException($"Playwright's disabled chromium features were not found in {driver}; update ChromiumFeatures for this Playwright version.");
        }

        var playwright = Quoted().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value);
        return "--disable-features=" + string.Join(",", playwright.Concat(Disabled).Distinct());
    }

    [GeneratedRegex(@"disabledFeatures = \[(.*?)\]", RegexOptions.Singleline)]
    private static partial Regex PlaywrightList();

    [GeneratedRegex("^\\s*\"([A-Za-z0-9_]+)\"", RegexOptions.Multiline)]
    private static partial Regex Quoted();
}
