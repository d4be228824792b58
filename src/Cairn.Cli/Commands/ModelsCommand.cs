using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cairn.Client;
using Cairn.Contracts.Mlflow;
using Cairn.Contracts.V1;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn models …</c>: the model registry from the command line; tables for people, <c>--json</c> for scripts.</summary>
internal sealed class ModelsCommand(IConsoleOutput console)
{
    private readonly Option<string> _trackingUri = new("--tracking-uri")
    {
        Description = "Cairn server address (default: CAIRN_TRACKING_URI, MLFLOW_TRACKING_URI, or http://127.0.0.1:5000).",
        Recursive = true,
    };

    private readonly Option<bool> _json = new("--json") { Description = "Write JSON to stdout instead of a table.", Recursive = true };
    private readonly Argument<string> _name = new("name") { Description = "Registered model name." };
    private readonly Argument<string> _version = new("version") { Description = "Model version number." };

    public Command Build()
    {
        var models = new Command("models", "Work with the model registry.");
        models.Options.Add(_trackingUri);
        models.Options.Add(_json);

        var filter = new Option<string>("--filter") { Description = "Search filter, e.g. \"name LIKE 'credit%'\"." };
        var list = new Command("list", "List registered models.") { filter };
        list.SetAction((result, token) => RunAsync(result, async client =>
        {
            var found = await client.SearchRegisteredModelsAsync(result.GetValue(filter), token);
            Emit(result, found, MlflowJsonContext.Wire.ListRegisteredModelDto, ["name", "latest", "aliases", "updated"], found.Select(m => (IReadOnlyList<string>)
                [m.Name, string.Join(", ", (m.LatestVersions ?? []).Select(v => $"{v.Version}:{v.CurrentStage}")), Aliases(m), Time(m.LastUpdatedTimestamp)]));
        }));

        var show = new Command("show", "Show one registered model.") { _name };
        show.SetAction((result, token) => RunAsync(result, async client =>
        {
            var model = await client.GetRegisteredModelAsync(result.GetValue(_name)!, token);
            Emit(result, model, MlflowJsonContext.Wire.RegisteredModelDto, ["field", "value"],
            [
                ["name", model.Name], ["description", model.Description], ["aliases", Aliases(model)],
                ["tags", string.Join(", ", (model.Tags ?? []).Select(t => $"{t.Key}={t.Value}"))],
                ["created", Time(model.CreationTimestamp)], ["updated", Time(model.LastUpdatedTimestamp)],
            ]);
        }));

        var versions = new Command("versions", "List the versions of a registered model.") { _name };
        versions.SetAction((result, token) => RunAsync(result, async client =>
        {
            var name = result.GetValue(_name)!;
            var found = await client.SearchModelVersionsAsync($"name = '{name.Replace("'", "''", StringComparison.Ordinal)}'", token);
            var ordered = found.OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture)).ToList();
            Emit(result, ordered, MlflowJsonContext.Wire.ListModelVersionDto, ["version", "stage", "aliases", "source", "run", "created"], ordered.Select(v => (IReadOnlyList<string>)
                [v.Version, v.CurrentStage, string.Join(", ", v.Aliases ?? []), v.Source, v.RunId ?? "", Time(v.CreationTimestamp)]));
        }));

        var alias = new Command("alias", "Set or delete an alias.");
        var aliasName = new Argument<string>("alias") { Description = "Alias, e.g. champion." };
        var aliasSet = new Command("set", "Point an alias at a version.") { _name, aliasName, _version };
        aliasSet.SetAction((result, token) => RunAsync(result, async client =>
        {
            await client.SetAliasAsync(result.GetValue(_name)!, result.GetValue(aliasName)!, result.GetValue(_version)!, token);
            console.Info($"{result.GetValue(_name)}@{result.GetValue(aliasName)} -> version {result.GetValue(_version)}");
        }));
        var aliasDelete = new Command("delete", "Delete an alias.") { _name, aliasName };
        aliasDelete.SetAction((result, token) => RunAsync(result, async client =>
        {
            await client.DeleteAliasAsync(result.GetValue(_name)!, result.GetValue(aliasName)!, token);
            console.Info($"Deleted alias {result.GetValue(aliasName)} of {result.GetValue(_name)}.");
        }));
        alias.Subcommands.Add(aliasSet);
        alias.Subcommands.Add(aliasDelete);

        var stageName = new Argument<string>("stage") { Description = "None, Staging, Production or Archived." };
        var archive = new Option<bool>("--archive-existing") { Description = "Archive the versions currently in the target stage." };
        var stage = new Command("stage", "Move a version to a stage.") { _name, _version, stageName, archive };
        stage.SetAction((result, token) => RunAsync(result, async client =>
        {
            var moved = await client.TransitionStageAsync(result.GetValue(_name)!, result.GetValue(_version)!, result.GetValue(stageName)!, result.GetValue(archive), token);
            Emit(result, moved, MlflowJsonContext.Wire.ModelVersionDto, ["name", "version", "stage"], [[moved.Name, moved.Version, moved.CurrentStage]]);
        }));

        var comment = new Option<string>("--comment") { Description = "Why: kept with the decision and in the audit trail." };
        models.Subcommands.Add(list);
        models.Subcommands.Add(show);
        models.Subcommands.Add(versions);
        models.Subcommands.Add(alias);
        models.Subcommands.Add(stage);
        models.Subcommands.Add(Decision("approve", "Approved", comment));
        models.Subcommands.Add(Decision("reject", "Rejected", comment));

        var history = new Command("history", "Show the audit trail of a registered model.") { _name };
        history.SetAction((result, token) => RunAsync(result, async client =>
        {
            var events = await client.GetAuditTrailAsync(result.GetValue(_name)!, token);
            Emit(result, events.ToArray(), CairnJsonContext.Default.AuditEventDtoArray, ["time", "actor", "action", "version", "subject", "before", "after"],
                events.Select(e => (IReadOnlyList<string>)[Time(e.Timestamp), e.Actor, e.Action, e.Version?.ToString(CultureInfo.InvariantCulture) ?? "", e.Subject ?? "", e.Before ?? "", e.After ?? ""]));
        }));
        models.Subcommands.Add(history);
        return models;
    }

    private Command Decision(string verb, string decision, Option<string> comment)
    {
        var command = new Command(verb, $"Record that a version is {decision.ToLowerInvariant()}.") { _name, _version, comment };
        command.SetAction((result, token) => RunAsync(result, async client =>
        {
            var approval = await client.DecideApprovalAsync(result.GetValue(_name)!, result.GetValue(_version)!, decision, result.GetValue(comment), token);
            Emit(result, approval, CairnJsonContext.Default.ApprovalDto, ["model", "version", "status", "by", "comment"],
                [[approval.Model, approval.Version.ToString(CultureInfo.InvariantCulture), approval.Status, approval.Actor ?? "", approval.Comment ?? ""]]);
        }));
        return command;
    }

    private async Task<int> RunAsync(ParseResult result, Func<CairnClient, Task> action)
    {
        try
        {
            using var client = CairnClient.Create(result.GetValue(_trackingUri));
            await action(client);
            return ExitCodes.Success;
        }
        catch (CairnClientException exception)
        {
            console.Error($"{exception.ErrorCode}: {exception.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception exception) when (exception is HttpRequestException or ArgumentException or TaskCanceledException)
        {
            console.Error(exception.Message);
            return ExitCodes.Failure;
        }
    }

    private void Emit<T>(ParseResult result, T data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (result.GetValue(_json))
        {
            console.Data(JsonSerializer.Serialize(data, type));
        }
        else
        {
            console.Table(headers, rows);
        }
    }

    private static string Aliases(RegisteredModelDto model) => string.Join(", ", (model.Aliases ?? []).Select(a => $"{a.Alias}->{a.Version}"));

    private static string Time(long milliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
