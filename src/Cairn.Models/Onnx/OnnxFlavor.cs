namespace Cairn.Models.Onnx;

/// <summary>MLflow's own <c>onnx</c> flavor layout (<c>data: model.onnx</c>), so models logged by Python MLflow load unchanged.</summary>
public static class OnnxFlavor
{
    public const string Name = "onnx";
    public const string DefaultFile = "model.onnx";

    /// <summary>Copies an ONNX file into the package; returns the flavor entry (plus the python_function entry MLflow's pyfunc loads it with).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Save(string onnxFile, string directory)
    {
        File.Copy(onnxFile, Path.Combine(directory, DefaultFile), overwrite: true);
        return new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            [Name] = new Dictionary<string, object?>
            {
                ["code"] = null,
                ["data"] = DefaultFile,
                ["providers"] = new List<object?> { "CPUExecutionProvider" },
                ["onnx_session_options"] = null,
            },
            ["python_function"] = new Dictionary<string, object?>
            {
                ["data"] = DefaultFile,
                ["loader_module"] = "mlflow.onnx",
                ["env"] = new Dictionary<string, object?> { ["conda"] = "conda.yaml", ["virtualenv"] = "python_env.yaml" },
                ["python_version"] = "3.11.2",
            },
        };
    }
}
