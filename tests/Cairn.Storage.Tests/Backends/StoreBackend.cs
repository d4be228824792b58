using Cairn.Core.Maintenance;
using Cairn.Core.Registry;
using Cairn.Core.Tracking;
using Cairn.Core.Tracking.Bulk;
using Cairn.Storage.Sql;

namespace Cairn.Storage.Tests.Backends;

/// <summary>One real database with every store port on it; the contract suites run against each kind.</summary>
public abstract class StoreBackend : IAsyncLifetime
{
    public ITrackingStore Tracking { get; protected set; } = null!;

    public IModelRegistryStore Registry { get; protected set; } = null!;

    /// <summary>The same registry with the approval gate on (Production and the <c>champion</c> alias guarded).</summary>
    public IModelRegistryStore GuardedRegistry { get; protected set; } = null!;

    public IWebhookStore Webhooks { get; protected set; } = null!;

    public ILoggedModelStore LoggedModels { get; protected set; } = null!;

    public IPurgeStore Purge { get; protected set; } = null!;

    public IBulkRunStore Bulk { get; protected set; } = null!;

    /// <summary>Direct reads, for checks on what was stored beyond what the ports return.</summary>
    internal ISqlReadSource Reads { get; set; } = null!;

    protected static ApprovalPolicy Guarded { get; } = new(true, new HashSet<string>(StringComparer.Ordinal) { "champion" });

    public abstract ValueTask InitializeAsync();

    public abstract ValueTask DisposeAsync();
}
