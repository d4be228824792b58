using System.Globalization;
using System.Xml.Linq;

namespace Cairn.Training.Tests.Support;

/// <summary>Reads our SVG back: elements by class and pixel positions mapped to data through the plot area.</summary>
internal sealed class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public Svg(string text)
    {
        Root = XDocument.Parse(text).Root!;
    }

    public XElement Root { get; }

    public IReadOnlyList<XElement> ByClass(string cssClass) =>
        Root.Descendants().Where(e => (string?)e.Attribute("class") == cssClass).ToList();

    public XElement One(string cssClass) => Assert.Single(ByClass(cssClass));

    public static double Number(XElement element, string attribute) =>
        double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    /// <summary>Pixel to data coordinates, using the plot-area rectangle and the domains it declares.</summary>
    public (double X, double Y) ToData(double x, double y)
    {
        var area = One("plot-area");
        var xDomain = Domain(area, "data-x-domain");
        // Bar charts have a numeric x axis only.
        var yDomain = area.Attribute("data-y-domain") is null ? (Min: double.NaN, Max: double.NaN) : Domain(area, "data-y-domain");
        double left = Number(area, "x"), top = Number(area, "y"), width = Number(area, "width"), height = Number(area, "height");
        return (xDomain.Min + (x - left) / width * (xDomain.Max - xDomain.Min), yDomain.Min + (top + height - y) / height * (yDomain.Max - yDomain.Min));
    }

    public IReadOnlyList<(double X, double Y)> PolylineInData(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ').Select(pair =>
        {
            var parts = pair.Split(',');
            return ToData(double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        }).ToList();

    private static (double Min, double Max) Domain(XElement area, string attribute)
    {
        var parts = area.Attribute(attribute)!.Value.Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1]);
    }
}
