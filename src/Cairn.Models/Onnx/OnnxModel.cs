using Cairn.Models.Data;
using Cairn.Models.Package;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Cairn.Models.Data.Tensor;

namespace Cairn.Models.Onnx;

/// <summary>An ONNX model run by ONNX Runtime on the CPU. Tensor outputs are returned; sequence and map outputs are skipped.</summary>
public sealed class OnnxModel : LoadedModel
{
    /// <summary>Default run options, shared: a run only reads them.</summary>
    private static readonly RunOptions RunDefaults = new();

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _tensorOutputNames;

    private OnnxModel(MlModelFile metadata, string directory, InferenceSession session) : base(metadata, directory)
    {
        _session = session;
        _inputNames = [.. session.InputMetadata.Keys];
        _tensorOutputNames = [.. session.OutputMetadata.Where(p => p.Value.IsTensor).Select(p => p.Key)];
        Signature = metadata.Signature ?? new ModelSignature(
            new SignatureSchema([], session.InputMetadata.Select(p => Spec(p.Key, p.Value)).ToList()),
            new SignatureSchema([], session.OutputMetadata.Where(p => p.Value.IsTensor).Select(p => Spec(p.Key, p.Value)).ToList()));
    }

    public override string Flavor => OnnxFlavor.Name;

    public override ModelSignature Signature { get; }

    internal static OnnxModel Load(MlModelFile metadata, string directory, ModelLoadOptions options)
    {
        var flavor = metadata.Flavors[OnnxFlavor.Name];
        var file = Path.Combine(directory, flavor.GetValueOrDefault("data")?.ToString() ?? OnnxFlavor.DefaultFile);
        if (!File.Exists(file))
        {
            throw new ModelPackageException($"The onnx flavor names '{Path.GetFileName(file)}', which the model directory does not contain.");
        }

        try
        {
            using var session = new SessionOptions();
            if (options.OnnxIntraOpThreads is { } threads)
            {
                session.IntraOpNumThreads = threads;
            }

            return new OnnxModel(metadata, directory, new InferenceSession(file, session));
        }
        catch (OnnxRuntimeException error)
        {
            throw new ModelPackageException($"ONNX Runtime cannot load '{Path.GetFileName(file)}': {error.Message}", error);
        }
    }

    public override IReadOnlyList<Tensor> Predict(IReadOnlyList<Tensor> inputs)
    {
        // OrtValues over the request's own arrays, and only the tensor outputs asked for: the NamedOnnxValue API copies
        // both ways and converts every output, including the sequence and map outputs that are dropped anyway.
        var feeds = new OrtValue[_inputNames.Length];
        try
        {
            for (var i = 0; i < _inputNames.Length; i++)
            {
                var name = _inputNames[i];
                var tensor = inputs.FirstOrDefault(t => t.Name == name)
                    ?? (inputs.Count == 1 && _inputNames.Length == 1 ? inputs[0] : null)
                    ?? throw new FormatException($"Missing input tensor '{name}'.");
                feeds[i] = Feed(name, _session.InputMetadata[name], tensor);
            }

            using var results = _session.Run(RunDefaults, _inputNames, feeds, _tensorOutputNames);
            var outputs = new Tensor[results.Count];
            for (var i = 0; i < outputs.Length; i++)
            {
                outputs[i] = ToTensor(_tensorOutputNames[i], results[i]);
            }

            return outputs;
        }
        finally
        {
            foreach (var feed in feeds)
            {
                feed?.Dispose();
            }
        }
    }

    /// <summary>
    /// Columns become tensors: one model input of shape [-1, n] takes n scalar columns (or one array column) side by side;
    /// otherwise each input takes the column of its name. Outputs of shape [rows] or [rows, 1] become scalar columns.
    /// </summary>
    public override Frame Predict(Frame input)
    {
        var rows = input.RowCount;
        var tensors = new List<Tensor>();
        if (_session.InputMetadata.Count == 1 && input.Find(_session.InputMetadata.Keys.First()) is null)
        {
            var (name, meta) = _session.InputMetadata.First();
            tensors.Add(Stack(name, meta, input));
        }
        else
        {
            foreach (var (name, meta) in _session.InputMetadata)
            {
                var column = input.Find(name) ?? throw new FormatException($"Missing input column '{name}'.");
                tensors.Add(Stack(name, meta, new Frame([column])));
            }
        }

        return new Frame(Predict(tensors).Select(t => ToColumn(t, rows)).ToList());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _session.Dispose();
        }
    }

    private static TensorSpec Spec(string name, NodeMetadata meta) =>
        new(name, meta.IsTensor ? Dtype(meta.ElementType) : "object", meta.Dimensions.Select(d => d < 0 ? -1L : d).ToArray());

    private static string Dtype(Type element) => element switch
    {
        _ when element == typeof(float) => "float32",
        _ when element == typeof(double) => "float64",
        _ when element == typeof(long) => "int64",
        _ when element == typeof(int) => "int32",
        _ when element == typeof(bool) => "bool",
        _ when element == typeof(string) => "str",
        _ => element.Name.ToLowerInvariant(),
    };

    /// <summary>Frame columns laid side by side as one row-major tensor of the input's element type.</summary>
    private static Tensor Stack(string name, NodeMetadata meta, Frame frame)
    {
        var rows = frame.RowCount;
        var widths = frame.Columns.Select(c => c.IsArray ? (rows == 0 ? 0 : ((Array)c.Values.GetValue(0)!).Length) : 1).ToList();
        var width = widths.Sum();
        var values = new object?[rows * width];
        for (var r = 0; r < rows; r++)
        {
            var offset = r * width;
            foreach (var column in frame.Columns)
            {
                if (column.IsArray)
                {
                    foreach (var item in (Array)column.Values.GetValue(r)!)
                    {
                        values[offset++] = item;
                    }
                }
                else
                {
                    values[offset++] = column.Values.GetValue(r);
                }
            }
        }

        long[] shape = meta.Dimensions.Length == 1 ? [rows] : [rows, width];
        return new Tensor(name, Dtype(meta.ElementType), shape, values);
    }

    private static OrtValue Feed(string name, NodeMetadata meta, Tensor tensor)
    {
        var dims = tensor.Shape;
        var expected = meta.Dimensions;
        if (expected.Length != dims.Length || expected.Zip(dims).Any(p => p.First >= 0 && p.First != p.Second))
        {
            throw new FormatException($"Input '{name}' needs shape [{string.Join(", ", expected.Select(d => d < 0 ? "-1" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}], "
                + $"got [{string.Join(", ", dims)}].");
        }

        var element = meta.ElementType;
        return element switch
        {
            _ when element == typeof(float) => OrtValue.CreateTensorValueFromMemory(Convert<float>(tensor), dims),
            _ when element == typeof(double) => OrtValue.CreateTensorValueFromMemory(Convert<double>(tensor), dims),
            _ when element == typeof(long) => OrtValue.CreateTensorValueFromMemory(Convert<long>(tensor), dims),
            _ when element == typeof(int) => OrtValue.CreateTensorValueFromMemory(Convert<int>(tensor), dims),
            _ when element == typeof(bool) => OrtValue.CreateTensorValueFromMemory(Convert<bool>(tensor), dims),
            _ when element == typeof(string) => StringTensor(Convert<string>(tensor), dims),
            _ => throw new NotSupportedException($"Input '{name}' has element type {element.Name}, which is not supported."),
        };
    }

    private static OrtValue StringTensor(string[] values, long[] dims)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, dims);
        for (var i = 0; i < values.Length; i++)
        {
            value.StringTensorSetElementAt(values[i] ?? "", i);
        }

        return value;
    }

    private static T[] Convert<T>(Tensor tensor)
    {
        if (tensor.Data is T[] same)
        {
            return same;
        }

        var result = new T[tensor.Data.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var value = tensor.Data.GetValue(i);
            try
            {
                result[i] = (T)System.Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture)!;
            }
            catch (Exception error) when (error is FormatException or InvalidCastException or OverflowException)
            {
                throw new FormatException($"Input '{tensor.Name}' element {i}: '{value}' is not a {Dtype(typeof(T))}.", error);
            }
        }

        return result;
    }

    private static Tensor ToTensor(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        return info.ElementDataType switch
        {
            TensorElementType.Float => new Tensor(name, "float32", shape, value.GetTensorDataAsSpan<float>().ToArray()),
            TensorElementType.Double => new Tensor(name, "float64", shape, value.GetTensorDataAsSpan<double>().ToArray()),
            TensorElementType.Int64 => new Tensor(name, "int64", shape, value.GetTensorDataAsSpan<long>().ToArray()),
            TensorElementType.Int32 => new Tensor(name, "int32", shape, value.GetTensorDataAsSpan<int>().ToArray()),
            TensorElementType.Bool => new Tensor(name, "bool", shape, value.GetTensorDataAsSpan<bool>().ToArray()),
            TensorElementType.String => new Tensor(name, "str", shape, value.GetStringTensorAsArray()),
            var other => throw new NotSupportedException($"Output '{name}' has element type {other}, which is not supported."),
        };
    }

    private static Column ToColumn(Tensor tensor, int rows)
    {
        var type = tensor.Dtype switch
        {
            "float32" => DataType.Float,
            "float64" => DataType.Double,
            "int64" => DataType.Long,
            "int32" => DataType.Integer,
            "bool" => DataType.Boolean,
            _ => DataType.String,
        };
        var width = rows == 0 ? 0 : (int)(tensor.ElementCount / rows);
        if (width <= 1)
        {
            return new Column(tensor.Name, type, tensor.Data);
        }

        var perRow = Array.CreateInstance(type.ClrType().MakeArrayType(), rows);
        for (var r = 0; r < rows; r++)
        {
            var row = Array.CreateInstance(type.ClrType(), width);
            Array.Copy(tensor.Data, r * width, row, 0, width);
            perRow.SetValue(row, r);
        }

        return new Column(tensor.Name, type, perRow, isArray: true);
    }
}
