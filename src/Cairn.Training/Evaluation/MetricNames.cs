using System.Text;

namespace Cairn.Training.Evaluation;

/// <summary>Metric keys, spelled as MLflow's default evaluator spells them where it has a name.</summary>
public static class MetricNames
{
    public const string ExampleCount = "example_count";
    public const string RocAuc = "roc_auc";
    public const string PrAuc = "pr_auc";

    /// <summary>MLflow's own key for the area under the precision-recall curve; the same value as <see cref="PrAuc"/>.</summary>
    public const string PrecisionRecallAuc = "precision_recall_auc";
    public const string Accuracy = "accuracy_score";
    public const string F1 = "f1_score";
    public const string Precision = "precision_score";
    public const string Recall = "recall_score";
    public const string LogLoss = "log_loss";
    public const string TruePositives = "true_positives";
    public const string FalsePositives = "false_positives";
    public const string TrueNegatives = "true_negatives";
    public const string FalseNegatives = "false_negatives";
    public const string AccuracyMicro = "accuracy_micro";
    public const string AccuracyMacro = "accuracy_macro";
    public const string Rmse = "rmse";
    public const string Mae = "mae";
    public const string Mse = "mse";
    public const string R2 = "r2_score";

    public static string PrecisionOfClass(string label) => $"precision_class_{KeyPart(label)}";

    public static string RecallOfClass(string label) => $"recall_class_{KeyPart(label)}";

    public static string F1OfClass(string label) => $"f1_score_class_{KeyPart(label)}";

    /// <summary>Class labels become part of a metric key, so keep only characters MLflow accepts in keys everywhere.</summary>
    public static string KeyPart(string label)
    {
        var builder = new StringBuilder(label.Length);
        foreach (char c in label)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_');
        }

        return builder.Length == 0 ? "_" : builder.ToString();
    }
}
