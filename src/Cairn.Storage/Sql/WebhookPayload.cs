using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Cairn.Storage.Sql;

/// <summary>The JSON body a webhook receives for one registry event.</summary>
internal static class WebhookPayload
{
    public static string Build(string webhookEvent, long timestamp, string actor, string model, long? version, string? subject, string? before, string? after)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event", webhookEvent);
            writer.WriteNumber("timestamp", timestamp);
            writer.WriteString("actor", actor);
            writer.WriteString("model", model);
            if (version is not null)
            {
                writer.WriteString("version", version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            WriteOptional(writer, "subject", subject);
            WriteOptional(writer, "before", before);
            WriteOptional(writer, "after", after);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
