namespace Cairn.Core.Tracking;

public static class WellKnownTags
{
    public const string RunName = "mlflow.runName";
    public const string User = "mlflow.user";
    public const string ParentRunId = "mlflow.parentRunId";
    public const string LoggedModelHistory = "mlflow.log-model.history";
    public const string DatasetContext = "mlflow.data.context";
    public const string Note = "mlflow.note.content";
}
