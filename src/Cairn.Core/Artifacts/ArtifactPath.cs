namespace Cairn.Core.Artifacts;

/// <summary>
/// A relative artifact path that has been checked to stay inside its root: no <c>..</c> or <c>.</c> segment,
/// not absolute, no backslash, NUL, <c>#</c>, <c>?</c> or <c>;</c>, and the same after every round of URL-decoding.
/// The checked string is exactly the one the stores use.
/// </summary>
public readonly record struct ArtifactPath
{
    public const int MaxLength = 4096;

    private ArtifactPath(string value) => Value = value;

    public static ArtifactPath Root { get; } = new("");

    /// <summary>Segments joined by '/', or "" for the root.</summary>
    public string Value { get; }

    public bool IsRoot => Value.Length == 0;

    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    public static ArtifactPath Parse(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return Root;
        }

        if (path.Length > MaxLength)
        {
            throw Invalid(path, "it is too long");
        }

        CheckText(path, path);

        // Decoding must not reveal anything the plain check would refuse (encoded and double-encoded traversal).
        var current = path;
        for (var round = 0; round < 5 && current.Contains('%', StringComparison.Ordinal); round++)
        {
            var decoded = Uri.UnescapeDataString(current);
            if (decoded == current)
            {
                break;
            }

            CheckText(path, decoded);
            current = decoded;
        }

        if (path.StartsWith('/'))
        {
            throw Invalid(path, "absolute paths are not allowed");
        }

        var trimmed = path.TrimEnd('/');
        var segments = trimmed.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw Invalid(path, "it must be a normalised relative path");
            }
        }

        return new ArtifactPath(trimmed);
    }

    public ArtifactPath Combine(ArtifactPath child) =>
        child.IsRoot ? this : IsRoot ? child : new ArtifactPath(Value + "/" + child.Value);

    /// <summary>A child path made of trusted parts (ids we generated), still checked.</summary>
    public ArtifactPath Combine(string child) => Combine(Parse(child));

    public override string ToString() => Value;

    private static void CheckText(string original, string text)
    {
        foreach (var c in text)
        {
            if (c is '\\' or '\0' or '#' or '?' or ';' || char.IsControl(c))
            {
                throw Invalid(original, $"it contains a forbidden character ({(c == '\0' ? "NUL" : char.IsControl(c) ? "control" : c.ToString())})");
            }
        }

        if (text.StartsWith('/'))
        {
            throw Invalid(original, "absolute paths are not allowed");
        }

        if (text.Contains("//", StringComparison.Ordinal))
        {
            throw Invalid(original, "it must be a normalised relative path");
        }

        foreach (var segment in text.Split('/'))
        {
            if (segment is ".." or ".")
            {
                throw Invalid(original, "it must be a normalised relative path");
            }
        }
    }

    private static CairnException Invalid(string path, string why) =>
        CairnException.InvalidParameter($"Invalid artifact path '{(path.Length > 200 ? path[..200] + "…" : path)}': {why}.");
}
