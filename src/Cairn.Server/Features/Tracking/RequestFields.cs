using Cairn.Core;
using Cairn.Core.Tracking;

namespace Cairn.Server.Features.Tracking;

/// <summary>Required-field and id checks shared by the tracking handlers.</summary>
internal static class RequestFields
{
    public static string Require(string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw CairnException.MissingParameter(field) : value;

    public static T Require<T>(T? value, string field) where T : struct =>
        value ?? throw CairnException.MissingParameter(field);

    public static RunId RunId(string? runId, string? runUuid = null)
    {
        var id = string.IsNullOrEmpty(runId) ? runUuid : runId;
        return new RunId(Require(id, "run_id"));
    }

    /// <summary>A syntactically impossible id names no experiment: 404, like any unknown id.</summary>
    public static ExperimentId ExperimentId(string? text, string field = "experiment_id")
    {
        var value = Require(text, field);
        return Core.Tracking.ExperimentId.TryParse(value, out var id)
            ? id
            : throw CairnException.NotFound($"No Experiment with id={value} exists");
    }

    public static T Defined<T>(T? value, T fallback, string field) where T : struct, Enum
    {
        var result = value ?? fallback;
        return Enum.IsDefined(result)
            ? result
            : throw CairnException.InvalidParameter($"Invalid value {Convert.ToInt32(result, System.Globalization.CultureInfo.InvariantCulture)} for parameter '{field}'.");
    }
}
