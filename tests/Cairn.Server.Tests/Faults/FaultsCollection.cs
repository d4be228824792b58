namespace Cairn.Server.Tests.Faults;

/// <summary>
/// The fault tests start several server processes and a PostgreSQL cluster and time their faults against ingest; they
/// run on their own, after the parallel tests, so start-up on a busy two-core machine stays within its timeouts.
/// </summary>
[CollectionDefinition(nameof(FaultsCollection), DisableParallelization = true)]
public sealed class FaultsCollection;
