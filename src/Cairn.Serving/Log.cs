using Microsoft.Extensions.Logging;

namespace Cairn.Serving;

internal static partial class ServingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serving model '{Name}' version {Version} from {Source} ({Flavor}, loaded in {Seconds:F2} s)")]
    public static partial void ModelServed(ILogger logger, string name, string version, string source, string flavor, double seconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Cairn model server listening on {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Model '{Name}' failed to predict")]
    public static partial void PredictFailed(ILogger logger, string name, Exception error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Model '{Name}' swapped from version {OldVersion} to {NewVersion} ({Source}, loaded in {Seconds:F2} s)")]
    public static partial void ModelSwapped(ILogger logger, string name, string oldVersion, string newVersion, string source, double seconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Model '{Name}' ({Source}): the new version could not be loaded; the current one keeps serving")]
    public static partial void SwapFailed(ILogger logger, string name, string source, Exception error);
}
