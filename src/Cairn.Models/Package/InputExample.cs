using System.Text.Json;
using Cairn.Models.Data;

namespace Cairn.Models.Package;

/// <summary>Writes <c>input_example.json</c> in MLflow's layout and returns the MLmodel's <c>saved_input_example_info</c>.</summary>
public static class InputExample
{
    public const string FileName = "input_example.json";

    /// <summary>A frame as pandas "split" JSON (<c>type: dataframe</c>).</summary>
    public static async Task<IReadOnlyDictionary<string, object?>> WriteAsync(Frame example, string directory, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, FileName), FrameJson.ToSplitJson(example), cancellationToken);
        return new Dictionary<string, object?> { ["artifact_path"] = FileName, ["type"] = "dataframe", ["pandas_orient"] = "split" };
    }

    /// <summary>Named tensors as <c>{"inputs": {"name": nested lists}}</c> (<c>type: ndarray, format: tf-serving</c>).</summary>
    public static async Task<IReadOnlyDictionary<string, object?>> WriteAsync(IReadOnlyList<Tensor> example, string directory, CancellationToken cancellationToken)
    {
        await using (var file = File.Create(Path.Combine(directory, FileName)))
        await using (var writer = new Utf8JsonWriter(file))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("inputs");
            foreach (var tensor in example)
            {
                writer.WritePropertyName(tensor.Name);
                var index = 0;
                WriteNested(writer, tensor, 0, ref index);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return new Dictionary<string, object?> { ["artifact_path"] = FileName, ["type"] = "ndarray", ["format"] = "tf-serving" };
    }

    /// <summary>Reads a dataframe example back (null when the package has none or it is not a dataframe).</summary>
    public static async Task<Frame?> ReadFrameAsync(MlModelFile metadata, string directory, CancellationToken cancellationToken)
    {
        if (metadata.SavedInputExampleInfo?.GetValueOrDefault("type")?.ToString() != "dataframe")
        {
            return null;
        }

        var path = Path.Combine(directory, metadata.SavedInputExampleInfo.GetValueOrDefault("artifact_path")?.ToString() ?? FileName);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
        return FrameJson.ReadSplit(document.RootElement, metadata.Signature?.Inputs.Columns);
    }

    private static void WriteNested(Utf8JsonWriter writer, Tensor tensor, int dimension, ref int index)
    {
        if (dimension == tensor.Shape.Length)
        {
            JsonSerializer.Serialize(writer, tensor.Data.GetValue(index++));
            return;
        }

        writer.WriteStartArray();
        for (var i = 0; i < tensor.Shape[dimension]; i++)
        {
            WriteNested(writer, tensor, dimension + 1, ref index);
        }

        writer.WriteEndArray();
    }
}
