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
}
