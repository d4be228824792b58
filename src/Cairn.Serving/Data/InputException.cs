namespace Cairn.Serving.Data;

/// <summary>
/// A request the client got wrong. <see cref="IsSchemaError"/> marks input that is well formed but does not fit the
/// model's signature (MLflow answers those with INVALID_PARAMETER_VALUE, malformed bodies with BAD_REQUEST).
/// </summary>
public sealed class InputException(string message, bool isSchemaError = false) : Exception(message)
{
    public bool IsSchemaError { get; } = isSchemaError;

    /// <summary>A short, quoted piece of a JSON value for error messages (never the whole payload).</summary>
    public static string Describe(System.Text.Json.JsonElement value)
    {
        var text = value.GetRawText();
        return $"{value.ValueKind.ToString().ToLowerInvariant()} {(text.Length > 40 ? text[..40] + "…" : text)}";
    }
}
