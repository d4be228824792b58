using System.Globalization;
using Cairn.Training.Evaluation;

namespace Cairn.Training.Plots;

/// <summary>ROC and precision-recall curves on unit axes.</summary>
internal static class CurvePlots
{
    private const string CurveColor = "#1f77b4";

    public static string Roc(IReadOnlyList<RocPoint> roc, double auc, string title)
    {
        var frame = UnitFrame(title, "False positive rate", "True positive rate");
        frame.Svg.Add(SvgDocument.Element(
            "line", ("class", "diagonal"), ("x1", frame.X.Map(0)), ("y1", frame.Y.Map(0)), ("x2", frame.X.Map(1)), ("y2", frame.Y.Map(1)),
            ("stroke", "#888"), ("stroke-dasharray", "6 4")));
        frame.Svg.Add(Curve(frame, roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate))));
        frame.Legend(($"ROC (AUC = {Format(auc)})", CurveColor, "none"), ("Chance", "#888", "6 4"));
        return frame.Svg.Render();
    }

    public static string PrecisionRecall(IReadOnlyList<PrecisionRecallPoint> curve, double area, string title)
    {
        var frame = UnitFrame(title, "Recall", "Precision");
        frame.Svg.Add(Curve(frame, curve.Select(p => (p.Recall, p.Precision))));
        frame.Legend(($"PR (AUC = {Format(area)})", CurveColor, "none"));
        return frame.Svg.Render();
    }

    private static PlotFrame UnitFrame(string title, string xTitle, string yTitle) =>
        new(new SvgDocument(560, 520, title), (0, 1), (0, 1), xTitle, yTitle);

    private static System.Xml.Linq.XElement Curve(PlotFrame frame, IEnumerable<(double X, double Y)> points) =>
        SvgDocument.Element(
            "polyline", ("class", "curve"), ("points", SvgDocument.Points(points.Select(p => frame.Map(p.X, p.Y)))),
            ("fill", "none"), ("stroke", CurveColor), ("stroke-width", 2));

    private static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
