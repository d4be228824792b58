using Cairn.Core.Registry;
using Cairn.Server.Features.Ui.Registry;

namespace Cairn.Ui.Tests;

/// <summary>The alias and stage timelines rebuilt from audit events.</summary>
public sealed class RegistryHistoryTests
{
    private static long _id;

    private static AuditEvent Event(long time, string action, long? version, string? subject = null, string? before = null, string? after = null, string actor = "ana") =>
        new(++_id, time, actor, action, "m", version, subject, before, after);

    [Fact]
    public void Alias_MovedTwice_HasThreeHoldings_TheLastCurrent()
    {
        var tracks = RegistryHistory.Aliases(
        [
            Event(300, AuditActions.SetAlias, 3, "champion", "2", "3", actor: "bo"),
            Event(100, AuditActions.SetAlias, 1, "champion", null, "1"),
            Event(200, AuditActions.SetAlias, 2, "champion", "1", "2"),
        ]);

        var champion = Assert.Single(tracks);
        Assert.Equal([1L, 2L, 3L], champion.Holdings.Select(h => h.Version));
        Assert.Equal((100L, 200L, "moved to v2", "ana"), (champion.Holdings[0].From!.Value, champion.Holdings[0].Until!.Value, champion.Holdings[0].EndReason, champion.Holdings[0].EndedBy));
        Assert.Equal(3, Assert.Single(champion.Current).Version);
        Assert.Equal("bo", champion.Holdings[2].MovedBy);
    }

    [Fact]
    public void DeletingTheVersion_OrTheAlias_EndsTheHolding()
    {
        var tracks = RegistryHistory.Aliases(
        [
            Event(100, AuditActions.SetAlias, 1, "a", null, "1"),
            Event(110, AuditActions.SetAlias, 1, "b", null, "1"),
            Event(200, AuditActions.DeleteVersion, 1),
            Event(300, AuditActions.SetAlias, 2, "c", null, "2"),
            Event(400, AuditActions.DeleteAlias, 2, "c", "2"),
        ]);

        Assert.All(tracks, t => Assert.Empty(t.Current));
        Assert.Equal("version deleted", tracks.Single(t => t.Name == "b").Holdings[0].EndReason);
        Assert.Equal("alias deleted", tracks.Single(t => t.Name == "c").Holdings[0].EndReason);
    }

    [Fact]
    public void SettingTheSameVersionAgain_KeepsOneHolding_AndAnAliasOlderThanTheTrailStartsUnknown()
    {
        var tracks = RegistryHistory.Aliases(
        [
            Event(100, AuditActions.SetAlias, 4, "x", "3", "4"),
            Event(200, AuditActions.SetAlias, 4, "x", "4", "4"),
        ]);

        var x = Assert.Single(tracks);
        Assert.Equal([3L, 4L], x.Holdings.Select(h => h.Version));
        Assert.Null(x.Holdings[0].From);
        Assert.Equal(100, x.Holdings[1].From);
    }

    [Fact]
    public void Stages_TrackEachStage_WithArchivingAndSeveralVersionsAtOnce()
    {
        var tracks = RegistryHistory.Stages(
        [
            Event(100, AuditActions.TransitionStage, 1, before: "None", after: "Production"),
            Event(150, AuditActions.TransitionStage, 3, before: "None", after: "Staging"),
            Event(160, AuditActions.TransitionStage, 4, before: "None", after: "Staging"),
            Event(200, AuditActions.TransitionStage, 1, before: "Production", after: "Archived"),
            Event(200, AuditActions.TransitionStage, 2, before: "None", after: "Production"),
        ]);

        Assert.Equal(["Production", "Staging", "Archived"], tracks.Select(t => t.Name));
        var production = tracks[0];
        Assert.Equal([1L, 2L], production.Holdings.Select(h => h.Version));
        Assert.Equal("moved to Archived", production.Holdings[0].EndReason);
        Assert.Equal(2, Assert.Single(production.Current).Version);
        Assert.Equal([3L, 4L], tracks[1].Current.Select(h => h.Version));
        Assert.Equal(1, Assert.Single(tracks[2].Current).Version);
    }
}
