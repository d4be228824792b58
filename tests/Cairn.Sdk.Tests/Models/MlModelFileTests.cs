using Cairn.Models.Data;
using Cairn.Models.Package;

namespace Cairn.Sdk.Tests.Models;

public sealed class MlModelFileTests
{
    // Written by MLflow 2.12.2 for a two-column regression (reference spec, section 12.2).
    private const string PythonWritten = """
        artifact_path: model
        flavors:
          python_function: {env: {conda: conda.yaml, virtualenv: python_env.yaml}, loader_module: mlflow.sklearn,
                            model_path: model.pkl, predict_fn: predict, python_version: 3.11.2}
          sklearn: {code: null, pickled_model: model.pkl, serialization_format: cloudpickle, sklearn_version: 1.2.1}
        mlflow_version: 2.12.2
        model_size_bytes: 591
        model_uuid: 2f99b9427f8c488c88f0e8c50ee3d377
        run_id: e9946245f9724af888ae7d12318cc6c9
        saved_input_example_info: {artifact_path: input_example.json, pandas_orient: split, type: dataframe}
        signature:
          inputs: '[{"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}]'
          outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
          params: null
        utc_time_created: '2026-11-23 07:44:28.674041'
        """;

    [Fact]
    public void Parse_ReadsWhatPythonMlflowWrites()
    {
        var file = MlModelFile.Parse(PythonWritten);
        Assert.Equal(["python_function", "sklearn"], file.Flavors.Keys.Order());
        Assert.Equal("mlflow.sklearn", file.Flavors["python_function"]["loader_module"]);
        Assert.Null(file.Flavors["sklearn"]["code"]);
        Assert.Equal("2f99b9427f8c488c88f0e8c50ee3d377", file.ModelUuid);
        Assert.Equal("e9946245f9724af888ae7d12318cc6c9", file.RunId);
        Assert.Equal(591, file.ModelSizeBytes);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 7, 44, 28, TimeSpan.Zero).AddTicks(6740410), file.UtcTimeCreated);
        Assert.Equal([("x1", DataType.Double), ("x2", DataType.Double)], file.Signature!.Inputs.Columns.Select(c => (c.Name!, c.Type!.Value)));
        var output = Assert.Single(file.Signature.Outputs!.Tensors);
        Assert.Equal("float64", output.Dtype);
        Assert.Equal([-1L], output.Shape);
        Assert.Equal("dataframe", file.SavedInputExampleInfo!["type"]);
    }

    [Fact]
    public void WriteThenParse_KeepsEveryField_AndTheSignatureJsonIsMlflows()
    {
        var original = MlModelFile.Parse(PythonWritten);
        var yaml = original.ToYaml();
        var again = MlModelFile.Parse(yaml);
        Assert.Equal(original.Flavors.Keys.Order(), again.Flavors.Keys.Order());
        Assert.Equal(original.Signature!.Inputs.ToJson(), again.Signature!.Inputs.ToJson());
        Assert.Equal(original.UtcTimeCreated, again.UtcTimeCreated);
        Assert.Equal("2.12.2", again.MlflowVersion);
        Assert.Contains("utc_time_created: 2026-11-23 07:44:28.674041", yaml.Replace("'", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("""[{"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}]""", again.Signature.Inputs.ToJson());
        Assert.Equal("""[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]""", again.Signature.Outputs!.ToJson());
    }

    [Fact]
    public void ArrayAndCompositeColumns_SurviveARoundTrip()
    {
        const string json = """[{"type": "array", "items": {"type": "float"}, "name": "Features", "required": true}, {"type": "object", "properties": {"a": {"type": "long", "required": true}}, "name": "o", "required": false}]""";
        var schema = SignatureSchema.Parse(json);
        Assert.True(schema.Columns[0].IsArray);
        Assert.Equal(DataType.Float, schema.Columns[0].Type);
        Assert.NotNull(schema.Columns[1].RawType);
        Assert.Equal(json, schema.ToJson());
    }

    [Theory]
    [InlineData("flavors: [a, b]", "no 'flavors' map")]
    [InlineData("flavors: {mlnet: {}}\nsignature: {inputs: '[{\"name\": \"x\"}]'}", "needs a \"type\"")]
    [InlineData("flavors: {mlnet: {}}\nsignature: {inputs: 'not json'}", "not valid JSON")]
    [InlineData("flavors: {a: 1\n", "not valid YAML")]
    public void Parse_ExplainsWhatIsWrong(string yaml, string expected) =>
        Assert.Contains(expected, Assert.Throws<ModelPackageException>(() => MlModelFile.Parse(yaml)).Message);
}
