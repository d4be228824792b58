using Cairn.Core.Artifacts;

namespace Cairn.Storage.S3;

/// <summary>An <c>s3://bucket/prefix</c> artifact destination: every artifact key starts with the prefix.</summary>
public sealed record S3Location(string Bucket, string Prefix)
{
    public const string Scheme = "s3://";

    public static bool IsS3(string destination) => destination.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    public static S3Location Parse(string destination)
    {
        if (!IsS3(destination))
        {
            throw new ArgumentException($"Artifacts destination '{destination}' is not an s3:// URI.");
        }

        var rest = destination[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (!IsValidBucketName(bucket))
        {
            throw new ArgumentException(
                $"Artifacts destination '{destination}' needs a bucket name of 3 to 63 lower-case letters, digits, '.' or '-' (s3://bucket/prefix).");
        }

        try
        {
            // The prefix obeys the same rules as artifact paths, so keys are always normalised.
            return new S3Location(bucket, ArtifactPath.Parse(prefix).Value);
        }
        catch (Core.CairnException exception)
        {
            throw new ArgumentException($"Artifacts destination '{destination}' has an invalid prefix: {exception.Message}");
        }
    }

    /// <summary>The object key of an artifact path (the prefix itself for the root).</summary>
    public string Key(ArtifactPath path) =>
        Prefix.Length == 0 ? path.Value : path.IsRoot ? Prefix : Prefix + "/" + path.Value;

    /// <summary>The key prefix under which a directory's children live ("" for the root of an unprefixed bucket).</summary>
    public string DirectoryPrefix(ArtifactPath path)
    {
        var key = Key(path);
        return key.Length == 0 ? "" : key + "/";
    }

    public override string ToString() => Prefix.Length == 0 ? Scheme + Bucket : $"{Scheme}{Bucket}/{Prefix}";

    private static bool IsValidBucketName(string bucket) =>
        bucket.Length is >= 3 and <= 63
        && bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')
        && char.IsAsciiLetterOrDigit(bucket[0]) && char.IsAsciiLetterOrDigit(bucket[^1]);
}
