namespace Cairn.Sdk.Tests.Models;

/// <summary>ONNX model folders laid out as Python MLflow's <c>mlflow.onnx.log_model</c> writes them.</summary>
internal static class OnnxPackages
{
    public static readonly float[,] Weights = { { 1f, -1f }, { 2f, 0.5f }, { -3f, 0f } };
    public static readonly float[] Bias = [0.25f, -0.5f];

    /// <summary>A linear model float_input [-1, 3] → variable [-1, 2], with the MLmodel, requirements and conda files.</summary>
    public static string WritePythonLayout(string parent, string name, float[,]? weights = null, float[]? bias = null)
    {
        var package = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        File.WriteAllBytes(Path.Combine(package, "model.onnx"), OnnxModelBuilder.Linear("float_input", "variable", weights ?? Weights, bias ?? Bias));
        File.WriteAllText(Path.Combine(package, "MLmodel"), """
            artifact_path: model
            flavors:
              onnx:
                code: null
                data: model.onnx
                onnx_version: 1.16.0
                providers:
                - CUDAExecutionProvider
                - CPUExecutionProvider
              python_function:
                data: model.onnx
                env:
                  conda: conda.yaml
                  virtualenv: python_env.yaml
                loader_module: mlflow.onnx
                python_version: 3.11.2
            mlflow_version: 2.12.2
            model_size_bytes: 412
            model_uuid: 0c6f4d1c9a8b4d7e8f00112233445566
            run_id: 0123456789abcdef0123456789abcdef
            signature:
              inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}, "name": "float_input"}]'
              outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}, "name": "variable"}]'
              params: null
            utc_time_created: '2026-11-20 10:00:00.000000'
            """);
        File.WriteAllText(Path.Combine(package, "requirements.txt"), "mlflow==2.12.2\nonnx==1.16.0\nonnxruntime==1.17.1\n");
        File.WriteAllText(Path.Combine(package, "conda.yaml"), "name: mlflow-env\n");
        return package;
    }
}
