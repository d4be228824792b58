using System.Collections.Concurrent;
using Cairn.Models.Data;
using Cairn.Models.Package;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cairn.Models.MLNet;

/// <summary>An ML.NET model from the <c>mlnet</c> flavor: a saved transformer chain and the schema it was trained on.</summary>
public sealed class MlNetModel : LoadedModel
{
    private readonly ITransformer _transformer;
    private readonly DataViewSchema _inputSchema;
    private readonly List<DataViewSchema.Column> _outputs;

    // Transform() binds every transformer of the chain anew on each call, which costs milliseconds for a tree
    // ensemble; a predictor is bound once and reused. One caller at a time per predictor, so they are pooled.
    private readonly ConcurrentBag<BoundPredictor> _predictors = [];
    private bool _mapperUnsupported;

    private MlNetModel(MlModelFile metadata, string directory, ITransformer transformer, DataViewSchema inputSchema) : base(metadata, directory)
    {
        _transformer = transformer;
        _inputSchema = inputSchema;
        var outputSchema = transformer.GetOutputSchema(inputSchema);
        _outputs = MlNetTypes.OutputColumns(outputSchema, inputSchema, metadata.Signature?.Outputs);
        Signature = metadata.Signature ?? new ModelSignature(
            new SignatureSchema(inputSchema.Where(c => !c.IsHidden).Select(c => MlNetTypes.Spec(c)).ToList(), []),
            new SignatureSchema(_outputs.Select(c => MlNetTypes.Spec(c)).ToList(), []));
    }

    public override string Flavor => MlNetFlavor.Name;

    public override ModelSignature Signature { get; }

    /// <summary>The ML.NET transformer, for callers that want to use ML.NET directly.</summary>
    public ITransformer Transformer => _transformer;

    /// <summary>The schema of the data the model was trained on.</summary>
    public DataViewSchema InputSchema => _inputSchema;

    internal static MlNetModel Load(MlModelFile metadata, string directory)
    {
        var flavor = metadata.Flavors[MlNetFlavor.Name];
        var file = Path.Combine(directory, flavor.GetValueOrDefault("model_file")?.ToString() ?? MlNetFlavor.DefaultFile);
        if (!File.Exists(file))
        {
            throw new ModelPackageException($"The mlnet flavor names '{Path.GetFileName(file)}', which the model directory does not contain.");
        }

        var context = new MLContext();
        var transformer = context.Model.Load(file, out var inputSchema);
        return new MlNetModel(metadata, directory, transformer, inputSchema);
    }

    public override Frame Predict(Frame input)
    {
        if (RentPredictor() is not { } predictor)
        {
            return DataViewReader.Read(_transformer.Transform(new FrameDataView(_inputSchema, input)), _outputs);
        }

        try
        {
            return predictor.Predict(input);
        }
        finally
        {
            _predictors.Add(predictor);
        }
    }

    /// <summary>A pooled predictor, or null when the chain has a step that is not row to row (then Transform is used).</summary>
    private BoundPredictor? RentPredictor()
    {
        if (_mapperUnsupported)
        {
            return null;
        }

        if (_predictors.TryTake(out var predictor))
        {
            return predictor;
        }

        try
        {
            return new BoundPredictor(_transformer.GetRowToRowMapper(_inputSchema), _inputSchema, _outputs);
        }
        catch (InvalidOperationException)
        {
            _mapperUnsupported = true;
            return null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            while (_predictors.TryTake(out var predictor))
            {
                predictor.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>ML.NET models take columns; a single 2-D tensor is read as rows whose values fill the input columns in order.</summary>
    public override IReadOnlyList<Tensor> Predict(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != 1 || inputs[0].Shape.Length != 2)
        {
            throw new FormatException("An ML.NET model takes columns; give one 2-D tensor whose columns are its inputs in order, or a frame.");
        }

        var tensor = inputs[0];
        var specs = Signature.Inputs.Columns;
        var width = (int)tensor.Shape[1];
        if (width != specs.Count)
        {
            throw new FormatException($"The tensor has {width} columns; the model takes {specs.Count} ({string.Join(", ", specs.Select(s => s.Name))}).");
        }

        var rows = (int)tensor.Shape[0];
        var columns = specs.Select((spec, c) =>
        {
            var values = new double[rows];
            for (var r = 0; r < rows; r++)
            {
                values[r] = System.Convert.ToDouble(tensor.Data.GetValue((r * width) + c), System.Globalization.CultureInfo.InvariantCulture);
            }

            return Column.Of(spec.Name!, values);
        }).ToList();
        var output = Predict(new Frame(columns));
        return output.Columns.Select(ToTensor).ToList();
    }

    private static Tensor ToTensor(Column column)
    {
        if (!column.IsArray)
        {
            return new Tensor(column.Name, Dtype(column.Type), [column.Length], column.Values);
        }

        var rows = (Array[])column.Values;
        var width = rows.Length == 0 ? 0 : rows[0].Length;
        var flat = Array.CreateInstance(column.Type.ClrType(), rows.Length * width);
        for (var r = 0; r < rows.Length; r++)
        {
            Array.Copy(rows[r], 0, flat, r * width, width);
        }

        return new Tensor(column.Name, Dtype(column.Type), [rows.Length, width], flat);
    }

    private static string Dtype(DataType type) => type switch
    {
        DataType.Float => "float32",
        DataType.Double => "float64",
        DataType.Integer => "int32",
        DataType.Long => "int64",
        DataType.Boolean => "bool",
        _ => "object",
    };
}
