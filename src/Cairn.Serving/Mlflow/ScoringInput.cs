using System.Text.Json;

namespace Cairn.Serving.Mlflow;

/// <summary>An /invocations payload after its format key is read, before it meets the model's signature.</summary>
internal abstract record ScoringInput;

/// <summary>Named columns with one JSON value per row: dataframe_split, dataframe_records, CSV, or instances given as objects.</summary>
/// <param name="IsDataFrame">True for the pandas formats, whose predictions MLflow returns as a DataFrame.</param>
internal sealed record ColumnsInput(IReadOnlyList<string> Names, IReadOnlyList<JsonElement[]> Values, int RowCount, bool IsDataFrame) : ScoringInput;

/// <summary>One unnamed n-dimensional array: instances or inputs given as a list of rows.</summary>
internal sealed record ArrayInput(JsonElement Array) : ScoringInput;

/// <summary>Named arrays, each a whole tensor or column: inputs given as an object.</summary>
internal sealed record NamedArraysInput(IReadOnlyList<KeyValuePair<string, JsonElement>> Arrays) : ScoringInput;
