using Cairn.Core;
using Cairn.Core.Registry;
using Cairn.Core.Search;
using Cairn.Core.Tracking;
using Cairn.Storage.Tests.Backends;

namespace Cairn.Storage.Tests.Contracts;

/// <summary>What every model registry store must do, whatever database it runs on.</summary>
public abstract class RegistryStoreContract<TBackend>(TBackend backend) : IClassFixture<TBackend>
    where TBackend : StoreBackend
{
    private readonly IModelRegistryStore _registry = backend.Registry;
    private static readonly Actor Tester = new("tester");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string NewName() => "model-" + Guid.NewGuid().ToString("N");

    private Task<ModelVersion> NewVersionAsync(string name) =>
        _registry.CreateVersionAsync(new NewModelVersion(name, "runs:/abc/model", "models/x", null, "", "", []), Tester, Cancel);

    [Fact]
    public async Task CreateModel_Twice_FailsWithAlreadyExists()
    {
        var name = NewName();
        await _registry.CreateModelAsync(name, "first", [new KeyValue("team", "a")], Tester, Cancel);
        var error = await Assert.ThrowsAsync<CairnException>(() => _registry.CreateModelAsync(name, "", [], Tester, Cancel));
        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
        Assert.Equal($"Registered Model (name={name}) already exists.", error.Message);
    }

    [Fact]
    public async Task ConcurrentVersions_GetDistinctNumbers_AndDeletedNumbersAreNeverReused()
    {
        var name = NewName();
        await _registry.CreateModelAsync(name, "", [], Tester, Cancel);
        var versions = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => NewVersionAsync(name)));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), versions.Select(v => v.Version).Order());

        await _registry.DeleteVersionAsync(name, 12, Tester, Cancel);
        Assert.Equal(13, (await NewVersionAsync(name)).Version);
        var missing = await Assert.ThrowsAsync<CairnException>(() => _registry.GetVersionAsync(name, 12, Cancel));
        Assert.Equal($"Model Version (name={name}, version=12) not found", missing.Message);
    }

    [Fact]
    public async Task Aliases_PointAtVersions_AndGoWithADeletedVersion()
    {
        var name = NewName();
        await _registry.CreateModelAsync(name, "", [], Tester, Cancel);
        await NewVersionAsync(name);
        await NewVersionAsync(name);
        await _registry.SetAliasAsync(name, "prod", 1, Tester, Cancel);
        await _registry.SetAliasAsync(name, "prod", 2, Tester, Cancel);

        Assert.Equal(2, (await _registry.GetVersionByAliasAsync(name, "prod", Cancel)).Version);
        await _registry.DeleteVersionAsync(name, 2, Tester, Cancel);
        var error = await Assert.ThrowsAsync<CairnException>(() => _registry.GetVersionByAliasAsync(name, "prod", Cancel));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public async Task SearchModels_FiltersByNameAndTag_OrdersAndPages()
    {
        var prefix = "srch" + Guid.NewGuid().ToString("N")[..8];
        foreach (var suffix in new[] { "b", "A", "a" })
        {
            await _registry.CreateModelAsync(prefix + suffix, "", [new KeyValue("kind", suffix == "b" ? "tree" : "linear")], Tester, Cancel);
        }

        async Task<List<string>> NamesAsync(string filter, long offset = 0, int max = 100)
        {
            var page = await _registry.SearchModelsAsync(new RegistryQuery(RegistrySearch.ParseModelFilter(filter), [], max, offset), Cancel);
            return page.Items.Select(m => m.Name[prefix.Length..]).ToList();
        }

        Assert.Equal(["A", "a", "b"], await NamesAsync($"name LIKE '{prefix}%'"));
        Assert.Equal(["A", "a"], await NamesAsync($"name LIKE '{prefix}%' AND tags.kind = 'linear'"));
        Assert.Equal(["a"], await NamesAsync($"name = '{prefix}a'"));
        Assert.Equal(["A", "a"], await NamesAsync($"name ILIKE '{prefix.ToUpperInvariant()}A'"));
        Assert.Equal(["a"], await NamesAsync($"name LIKE '{prefix}%'", offset: 1, max: 1));
    }

    [Fact]
    public async Task StagesAndLatestVersions_FollowTransitions()
    {
        var name = NewName();
        await _registry.CreateModelAsync(name, "", [], Tester, Cancel);
        await NewVersionAsync(name);
        await NewVersionAsync(name);
        await _registry.TransitionStageAsync(name, 1, ModelStages.Production, false, Tester, Cancel);
        await _registry.TransitionStageAsync(name, 2, ModelStages.Production, archiveExisting: true, Tester, Cancel);

        Assert.Equal(ModelStages.Archived, (await _registry.GetVersionAsync(name, 1, Cancel)).CurrentStage);
        var latest = await _registry.GetLatestVersionsAsync(name, [ModelStages.Production], Cancel);
        Assert.Equal(2, Assert.Single(latest).Version);
        var trail = await _registry.GetAuditTrailAsync(name, 100, 0, Cancel);
        Assert.Equal([AuditActions.TransitionStage, AuditActions.TransitionStage, AuditActions.TransitionStage],
            trail.Items.Take(3).Select(e => e.Action));
    }

    [Fact]
    public async Task ApprovalGate_RefusesProductionAndChampionUntilApproved()
    {
        var guarded = backend.GuardedRegistry;
        var name = NewName();
        await guarded.CreateModelAsync(name, "", [], Tester, Cancel);
        await NewVersionAsync(name);

        var stage = await Assert.ThrowsAsync<CairnException>(() => guarded.TransitionStageAsync(name, 1, ModelStages.Production, false, Tester, Cancel));
        Assert.Equal(ErrorCode.PermissionDenied, stage.Code);
        var alias = await Assert.ThrowsAsync<CairnException>(() => guarded.SetAliasAsync(name, "champion", 1, Tester, Cancel));
        Assert.Equal(ErrorCode.PermissionDenied, alias.Code);

        await guarded.DecideApprovalAsync(name, 1, ApprovalStatus.Approved, "ok", Tester, Cancel);
        await guarded.SetAliasAsync(name, "champion", 1, Tester, Cancel);
        Assert.Equal(ModelStages.Production, (await guarded.TransitionStageAsync(name, 1, ModelStages.Production, false, Tester, Cancel)).CurrentStage);
    }

    [Fact]
    public async Task Rename_ToATakenName_FailsAndTheAuditTrailFollowsTheModel()
    {
        var name = NewName();
        var other = NewName();
        await _registry.CreateModelAsync(name, "", [], Tester, Cancel);
        await _registry.CreateModelAsync(other, "", [], Tester, Cancel);
        var taken = await Assert.ThrowsAsync<CairnException>(() => _registry.RenameModelAsync(name, other, Tester, Cancel));
        Assert.Equal(ErrorCode.ResourceAlreadyExists, taken.Code);

        var renamed = name + "-new";
        await _registry.RenameModelAsync(name, renamed, Tester, Cancel);
        var trail = await _registry.GetAuditTrailAsync(renamed, 100, 0, Cancel);
        Assert.Equal([AuditActions.RenameModel, AuditActions.CreateModel], trail.Items.Select(e => e.Action));
    }
}

public sealed class SqliteRegistryStoreTests(SqliteBackend backend) : RegistryStoreContract<SqliteBackend>(backend);

public sealed class PostgresRegistryStoreTests(PostgresBackend backend) : RegistryStoreContract<PostgresBackend>(backend);
