using Cairn.Server.Tests.Infrastructure;
using Cairn.Server.Tests.Maintenance;
using Cairn.Server.Tests.Registry;
using Cairn.Server.Tests.Robustness;
using Cairn.Server.Tests.Tracking;

namespace Cairn.Server.Tests.Postgres;

// The HTTP suites below run again, unchanged, against a server whose backend store is PostgreSQL, so the whole path
// (URI parsing, composition, migrations, stores, wire mapping) is proven on it.
public sealed class RunSearchApiOnPostgresTests(PostgresCairnServer server) : RunSearchApiTests(server), IClassFixture<PostgresCairnServer>;

public sealed class LoggingApiOnPostgresTests(PostgresCairnServer server) : LoggingApiTests(server), IClassFixture<PostgresCairnServer>;

public sealed class RunApiOnPostgresTests(PostgresCairnServer server) : RunApiTests(server), IClassFixture<PostgresCairnServer>;

public sealed class ExperimentApiOnPostgresTests(PostgresCairnServer server) : ExperimentApiTests(server), IClassFixture<PostgresCairnServer>;

public sealed class RegistryApiOnPostgresTests(PostgresCairnServer server) : RegistryApiTests(server), IClassFixture<PostgresCairnServer>;

public sealed class LoggedModelApiOnPostgresTests(PostgresCairnServer server) : LoggedModelApiTests(server), IClassFixture<PostgresCairnServer>;

public sealed class ConcurrentWritersOnPostgresTests(PostgresCairnServer server) : ConcurrentWritersTests(server), IClassFixture<PostgresCairnServer>;

public sealed class GoldenShapeOnPostgresTests(PostgresCairnServer server) : GoldenShapeTests(server), IClassFixture<PostgresCairnServer>;

public sealed class MalformedInputOnPostgresTests(PostgresCairnServer server) : MalformedInputTests(server), IClassFixture<PostgresCairnServer>;

public sealed class MlflowThreeWireSequenceOnPostgresTests(PostgresCairnServer server) : MlflowThreeWireSequenceTests(server), IClassFixture<PostgresCairnServer>;

public sealed class MlflowThreeLimitsOnPostgresTests(PostgresCairnServer server) : MlflowThreeLimitsTests(server), IClassFixture<PostgresCairnServer>;

public sealed class GcCliOnPostgresTests(PostgresCairnServer server) : GcCliTests(server), IClassFixture<PostgresCairnServer>;
