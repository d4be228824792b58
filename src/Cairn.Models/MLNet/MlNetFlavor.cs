using Cairn.Models.Package;
using Microsoft.ML;

namespace Cairn.Models.MLNet;

/// <summary>The <c>mlnet</c> flavor: <c>model_file</c> (ML.NET's zip), <c>mlnet_version</c> and <c>dotnet_version</c>.</summary>
public static class MlNetFlavor
{
    public const string Name = "mlnet";
    public const string DefaultFile = "model.zip";

    /// <summary>Saves the transformer and its input schema into <paramref name="directory"/>; returns the flavor entry.</summary>
    public static IReadOnlyDictionary<string, object?> Save(ITransformer model, DataViewSchema inputSchema, string directory)
    {
        new MLContext().Model.Save(model, inputSchema, Path.Combine(directory, DefaultFile));
        return new Dictionary<string, object?>
        {
            ["model_file"] = DefaultFile,
            ["mlnet_version"] = Version(typeof(MLContext).Assembly),
            ["dotnet_version"] = Environment.Version.ToString(),
            ["code"] = null,
        };
    }

    /// <summary>
    /// A signature from the training schema: the prediction columns come out; the example's columns go in (typed by the
    /// schema), or without an example every visible column but the label.
    /// </summary>
    public static ModelSignature InferSignature(ITransformer model, DataViewSchema inputSchema, string? labelColumn, IReadOnlyCollection<string>? exampleColumns = null)
    {
        var inputs = inputSchema
            .Where(c => !c.IsHidden && c.Name != labelColumn && (exampleColumns is null || exampleColumns.Contains(c.Name)))
            .Select(c => MlNetTypes.Spec(c))
            .ToList();
        var outputs = MlNetTypes.OutputColumns(model.GetOutputSchema(inputSchema), inputSchema, null).Select(c => MlNetTypes.Spec(c)).ToList();
        return new ModelSignature(new SignatureSchema(inputs, []), new SignatureSchema(outputs, []));
    }

    /// <summary>The package version (5.0.1), not the assembly version ML.NET keeps at 1.0.0.</summary>
    private static string? Version(System.Reflection.Assembly assembly)
    {
        var informational = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(assembly)?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString(3);
    }
}
