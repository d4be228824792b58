using System.Text.Json.Serialization.Metadata;

namespace Cairn.Server.Mlflow;

internal static class MlflowResults
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>The <c>{}</c> that MLflow answers when there is nothing to return.</summary>
    public static IResult Empty { get; } = TypedResults.Bytes(EmptyObject, "application/json");

    public static IResult Json<T>(T value, JsonTypeInfo<T> typeInfo) => TypedResults.Json(value, typeInfo);
}
