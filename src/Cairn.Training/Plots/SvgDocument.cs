using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Cairn.Training.Plots;

/// <summary>
/// A small SVG writer: elements in the SVG namespace, numbers in invariant culture rounded to 0.01 px so the same
/// input always gives the same bytes. Text goes through the XML writer, so it is always escaped.
/// </summary>
public sealed class SvgDocument
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    private readonly XElement _root;

    public SvgDocument(double width, double height, string title)
    {
        Width = width;
        Height = height;
        _root = new XElement(
            Ns + "svg",
            new XAttribute("width", Number(width)),
            new XAttribute("height", Number(height)),
            new XAttribute("viewBox", $"0 0 {Number(width)} {Number(height)}"),
            new XAttribute("font-family", "sans-serif"),
            new XAttribute("font-size", "12"),
            new XElement(Ns + "title", title),
            Element("rect", ("x", 0), ("y", 0), ("width", width), ("height", height), ("fill", "white")),
            Text(width / 2, 24, title, "middle", "title", ("font-size", "16"), ("font-weight", "bold")));
    }

    public double Width { get; }

    public double Height { get; }

    public XElement Add(XElement element)
    {
        _root.Add(element);
        return element;
    }

    public static string Number(double value)
    {
        double rounded = Math.Round(value, 2);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>An element whose attribute values are numbers (formatted) or strings (as given).</summary>
    public static XElement Element(string name, params (string Name, object Value)[] attributes)
    {
        var element = new XElement(Ns + name);
        foreach (var (attribute, value) in attributes)
        {
            element.SetAttributeValue(attribute, value is double d ? Number(d) : value is int i ? Number(i) : value.ToString());
        }

        return element;
    }

    public static XElement Text(double x, double y, string text, string anchor, string cssClass, params (string Name, object Value)[] extra)
    {
        var element = Element("text", [("x", x), ("y", y), ("text-anchor", anchor), ("class", cssClass), .. extra]);
        element.Value = text;
        return element;
    }

    public static string Points(IEnumerable<(double X, double Y)> points) =>
        string.Join(" ", points.Select(p => $"{Number(p.X)},{Number(p.Y)}"));

    public string Render()
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(_root).Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
