using Cairn.Models.Data;
using Cairn.Serving.Data;

namespace Cairn.Serving.Models;

/// <summary>The model raised on input that passed validation; the message is the model's, the payload is not echoed.</summary>
public sealed class ModelFailedException(string model, Exception inner)
    : Exception($"Model '{model}' failed to predict: {inner.Message}", inner);

/// <summary>Calls a model, telling input the model refuses (a 4xx) apart from the model failing.</summary>
internal static class ModelInvoker
{
    /// <summary>Through the model's batcher when batching is on, else directly.</summary>
    public static Task<Frame> PredictAsync(ServedModel model, Frame input) =>
        model.FrameBatcher is { } batcher ? batcher.PredictAsync(input) : Task.FromResult(Predict(model, input));

    public static Task<IReadOnlyList<Tensor>> PredictAsync(ServedModel model, IReadOnlyList<Tensor> inputs) =>
        model.TensorBatcher is { } batcher ? batcher.PredictAsync(inputs) : Task.FromResult(Predict(model, inputs));

    public static Frame Predict(ServedModel model, Frame input) => Guard(model, () => model.Model.Predict(input));

    public static IReadOnlyList<Tensor> Predict(ServedModel model, IReadOnlyList<Tensor> inputs) => Guard(model, () => model.Model.Predict(inputs));

    private static T Guard<T>(ServedModel model, Func<T> predict)
    {
        try
        {
            return predict();
        }
        catch (FormatException error)
        {
            throw new InputException(error.Message, isSchemaError: true);
        }
        catch (Exception error) when (error is not (InputException or OperationCanceledException or OutOfMemoryException))
        {
            throw new ModelFailedException(model.Name, error);
        }
    }
}
