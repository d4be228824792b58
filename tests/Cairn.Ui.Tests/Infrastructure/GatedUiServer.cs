using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Ui.Tests.Infrastructure;

/// <summary>The real server started with <c>--require-approval</c> (protected alias <c>champion</c>) and a real browser.</summary>
public sealed class GatedUiServer() : UiServer(new GatedServer())
{
    private sealed class GatedServer : CairnServer
    {
        protected override IEnumerable<string> ExtraArguments => ["--Registry:RequireApproval=true"];
    }
}
