using Cairn.Models;
using Cairn.Models.Data;
using Cairn.Models.Package;

namespace Cairn.Serving.Batch;

/// <summary>One value the model reads from each input row, and the type it must have.</summary>
public sealed record InputField(string Name, DataType Type, bool Required = true);

/// <summary>
/// What a batch prediction reads from each row of an input file: the model's typed fields, assembled into a frame
/// (column-based models) or into one row-major 2-D tensor (a tensor model with a single [-1, k] input, the shape
/// scikit-learn and most ONNX exporters give), plus columns copied through to the output unchanged.
/// </summary>
public sealed class BatchInputPlan
{
    private BatchInputPlan(IReadOnlyList<InputField> fields, string? tensorName, string? tensorDtype, IReadOnlyList<string> keep)
    {
        Fields = fields;
        TensorName = tensorName;
        TensorDtype = tensorDtype;
        Keep = keep;
    }

    public IReadOnlyList<InputField> Fields { get; }

    /// <summary>The tensor the fields fill, for tensor models; null for column models.</summary>
    public string? TensorName { get; }

    public string? TensorDtype { get; }

    public bool IsTensor => TensorName is not null;

    /// <summary>Input columns written to the output beside the predictions (an id, say).</summary>
    public IReadOnlyList<string> Keep { get; }

    /// <summary>
    /// Matches the model's inputs to the file's columns. For a tensor model the features are the columns named by
    /// <paramref name="features"/>, else every file column not kept. Throws <see cref="ArgumentException"/> naming
    /// what does not fit.
    /// </summary>
    public static BatchInputPlan For(LoadedModel model, IReadOnlyList<string> fileColumns, IReadOnlyList<string>? features = null, IReadOnlyList<string>? keep = null)
    {
        keep ??= [];
        var absentKept = keep.Where(k => !fileColumns.Contains(k, StringComparer.Ordinal)).ToList();
        if (absentKept.Count > 0)
        {
            throw new ArgumentException($"Columns to keep are not in the input: {Quote(absentKept)}. The input has: {Quote(fileColumns)}.");
        }

        var inputs = model.Signature.Inputs;
        return inputs.IsTensorBased ? ForTensor(inputs.Tensors, fileColumns, features, keep) : ForColumns(inputs.Columns, fileColumns, keep);
    }

    private static BatchInputPlan ForColumns(IReadOnlyList<ColumnSpec> specs, IReadOnlyList<string> fileColumns, IReadOnlyList<string> keep)
    {
        var fields = new List<InputField>();
        var missing = new List<string>();
        foreach (var spec in specs.Where(s => s.Name is not null && s.Type is not null))
        {
            if (spec.IsArray)
            {
                throw new ArgumentException($"The model's input '{spec.Name}' is an array column, which a CSV or Parquet row of scalars cannot hold.");
            }

            if (fileColumns.Contains(spec.Name!, StringComparer.Ordinal))
            {
                fields.Add(new InputField(spec.Name!, spec.Type!.Value, spec.Required));
            }
            else if (spec.Required)
            {
                missing.Add(spec.Name!);
            }
        }

        if (missing.Count > 0)
        {
            throw new ArgumentException($"The input lacks column{(missing.Count > 1 ? "s" : "")} the model needs: {Quote(missing)}. The input has: {Quote(fileColumns)}.");
        }

        if (fields.Count == 0)
        {
            throw new ArgumentException("The model's signature names no input columns, so rows cannot be matched to it.");
        }

        return new BatchInputPlan(fields, null, null, keep);
    }

    private static BatchInputPlan ForTensor(IReadOnlyList<TensorSpec> tensors, IReadOnlyList<string> fileColumns, IReadOnlyList<string>? features, IReadOnlyList<string> keep)
    {
        if (tensors.Count != 1 || tensors[0].Shape.Length != 2 || tensors[0].Shape[0] != -1)
        {
            throw new ArgumentException(
                "Batch prediction reads one row per sample into a single [-1, k] tensor; this model takes "
                + string.Join(", ", tensors.Select(t => $"{t.Name ?? "an unnamed tensor"} [{string.Join(", ", t.Shape)}]")) + ".");
        }

        var tensor = tensors[0];
        var type = tensor.Dtype switch
        {
            "float32" => DataType.Float,
            "float64" => DataType.Double,
            "int32" => DataType.Integer,
            "int64" => DataType.Long,
            _ => throw new ArgumentException($"Batch prediction fills float32, float64, int32 or int64 tensors; the model's input is {tensor.Dtype}."),
        };

        var names = features is { Count: > 0 } ? features : fileColumns.Where(c => !keep.Contains(c, StringComparer.Ordinal)).ToList();
        var absent = names.Where(n => !fileColumns.Contains(n, StringComparer.Ordinal)).ToList();
        if (absent.Count > 0)
        {
            throw new ArgumentException($"Feature columns are not in the input: {Quote(absent)}.");
        }

        var width = tensor.Shape[1];
        if (width >= 0 && names.Count != width)
        {
            throw new ArgumentException(
                $"The model's input '{tensor.Name}' takes {width} features per row; {names.Count} columns were given ({Quote(names)}). "
                + "Name the feature columns with --features, or the columns to leave out with --keep.");
        }

        return new BatchInputPlan(names.Select(n => new InputField(n, type)).ToList(), tensor.Name ?? "input-0", tensor.Dtype, keep);
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
