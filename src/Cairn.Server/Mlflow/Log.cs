namespace Cairn.Server.Mlflow;

internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error while serving {Path}")]
    public static partial void UnhandledError(ILogger logger, Exception exception, PathString path);
}
