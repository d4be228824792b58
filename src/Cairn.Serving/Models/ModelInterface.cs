using Cairn.Models;
using Cairn.Models.Package;
using Cairn.Serving.Data;

namespace Cairn.Serving.Models;

/// <summary>One input or output as the Open Inference Protocol describes it; -1 marks a variable dimension.</summary>
public sealed record TensorMetadata(string Name, ElementType Type, long[] Shape, ColumnSpec? Column = null, TensorSpec? Tensor = null);

/// <summary>
/// A model's inputs and outputs as tensors. Column models (ML.NET) take one 1-D tensor per column, as MLServer's pandas
/// codec does; tensor models (ONNX) take their signature's tensors. Unnamed tensors are called input-0, output-0….
/// </summary>
public sealed record ModelInterface(bool IsColumnBased, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs)
{
    public static ModelInterface Of(LoadedModel model)
    {
        var signature = model.Signature;
        if (!signature.Inputs.IsTensorBased)
        {
            return new ModelInterface(true, Columns(signature.Inputs.Columns, "input"), Columns(signature.Outputs?.Columns ?? [], "output"));
        }

        return new ModelInterface(false, Tensors(signature.Inputs.Tensors, "input"), Tensors(signature.Outputs?.Tensors ?? [], "output"));
    }

    public TensorMetadata? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);

    private static List<TensorMetadata> Columns(IReadOnlyList<ColumnSpec> columns, string prefix) =>
        columns.Where(c => c.Type is not null).Select((c, i) => new TensorMetadata(
            c.Name ?? $"{prefix}-{i}",
            ElementTypes.FromColumnType(c.Type!.Value),
            c.IsArray ? [-1, -1] : [-1],
            Column: c)).ToList();

    private static List<TensorMetadata> Tensors(IReadOnlyList<TensorSpec> tensors, string prefix) =>
        tensors.Select((t, i) => new TensorMetadata(
            t.Name ?? $"{prefix}-{i}",
            ElementTypes.FromNumpyName(t.Dtype) ?? ElementType.Bytes,
            t.Shape,
            Tensor: t)).ToList();
}
