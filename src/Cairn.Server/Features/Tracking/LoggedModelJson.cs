using System.Text.Json;
using Cairn.Core;

namespace Cairn.Server.Features.Tracking;

/// <summary>Checks the <c>model_json</c> of runs/log-model: a JSON object with MLflow's required model keys.</summary>
internal static class LoggedModelJson
{
    private static readonly string[] RequiredKeys = ["artifact_path", "flavors", "utc_time_created", "run_id"];

    public static string Validate(string modelJson)
    {
        try
        {
            using var document = JsonDocument.Parse(modelJson, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw CairnException.InvalidParameter("model_json must be a JSON object.");
            }

            foreach (var key in RequiredKeys)
            {
                if (!document.RootElement.TryGetProperty(key, out _))
                {
                    throw CairnException.InvalidParameter($"Model json is missing mandatory fields: ['{key}']");
                }
            }

            // Re-serialise compactly so the stored history is well-formed whatever the client sent.
            return JsonSerializer.Serialize(document.RootElement, Contracts.Mlflow.RawJsonContext.Default.JsonElement);
        }
        catch (JsonException exception)
        {
            throw CairnException.InvalidParameter($"Malformed model info. model_json is not valid JSON: {exception.Message}");
        }
    }
}
