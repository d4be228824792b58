using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Cairn.Models.Package;

/// <summary>Turns a YAML tree into plain values with YAML 1.1's core scalars (as PyYAML reads them).</summary>
public static class YamlValues
{
    public static Dictionary<string, object?> ToMap(YamlMappingNode node) =>
        node.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value ?? "", p => ToValue(p.Value), StringComparer.Ordinal);

    public static object? ToValue(YamlNode node) => node switch
    {
        YamlMappingNode map => ToMap(map),
        YamlSequenceNode list => list.Children.Select(ToValue).ToList(),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static object? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value;
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted or YamlDotNet.Core.ScalarStyle.Literal or YamlDotNet.Core.ScalarStyle.Folded)
        {
            return text;
        }

        return text switch
        {
            null or "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => whole,
            _ when text.Any(char.IsDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => real,
            _ => text,
        };
    }
}
