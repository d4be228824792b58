using System.Text.Json;

namespace Cairn.Serving.Data;

/// <summary>
/// Walks one JSON value (a scalar or nested arrays) with a <see cref="Utf8JsonReader"/>, handing each leaf to a
/// <see cref="LeafBuilder"/>. With a shape to fill it also checks the nesting is rectangular, as
/// <see cref="TensorJson.Shape"/> does; anything it does not accept returns false so the caller can fall back.
/// </summary>
internal static class JsonLeaves
{
    private const int MaxDepth = 64;

    /// <summary>
    /// Reads the value the reader is on; on success the reader is on the value's last token. With
    /// <paramref name="shape"/> the nesting must be rectangular and non-empty and its dimensions are returned there.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, LeafBuilder leaves, List<long>? shape)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            shape?.Clear();
            return reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.PropertyName) && leaves.TryAdd(ref reader);
        }

        Span<int> counts = stackalloc int[MaxDepth];
        Span<int> dims = stackalloc int[MaxDepth];
        dims.Fill(-1);
        var leafDepth = -1;
        var depth = 0;
        while (true)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (depth == MaxDepth || (shape is not null && leafDepth >= 0 && depth >= leafDepth))
                    {
                        return false;
                    }

                    if (depth > 0)
                    {
                        counts[depth - 1]++;
                    }

                    counts[depth++] = 0;
                    break;
                case JsonTokenType.EndArray:
                    depth--;
                    if (shape is not null)
                    {
                        // An empty array leaves the element shape open; the document path decides what it means.
                        if (counts[depth] == 0 || (dims[depth] >= 0 && dims[depth] != counts[depth]))
                        {
                            return false;
                        }

                        dims[depth] = counts[depth];
                    }

                    if (depth == 0)
                    {
                        if (shape is not null)
                        {
                            shape.Clear();
                            for (var d = 0; d < leafDepth; d++)
                            {
                                shape.Add(dims[d]);
                            }
                        }

                        return true;
                    }

                    break;
                case JsonTokenType.StartObject:
                    return false;
                default:
                    counts[depth - 1]++;
                    if (shape is not null)
                    {
                        if (leafDepth < 0)
                        {
                            leafDepth = depth;
                        }
                        else if (leafDepth != depth)
                        {
                            return false;
                        }
                    }

                    if (!leaves.TryAdd(ref reader))
                    {
                        return false;
                    }

                    break;
            }

            if (!reader.Read())
            {
                return false;
            }
        }
    }
}
