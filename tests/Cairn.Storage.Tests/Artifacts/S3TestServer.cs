using Cairn.Storage.S3;

namespace Cairn.Storage.Tests.Artifacts;

/// <summary>
/// The S3-protocol server that test.sh starts on loopback (s3rver) and describes in CAIRN_TEST_S3_* variables.
/// Without them the S3 tests fail rather than skip, so a broken test setup can never pass as green.
/// </summary>
public static class S3TestServer
{
    public static string Endpoint => Require("CAIRN_TEST_S3_ENDPOINT");

    public static string Bucket => Require("CAIRN_TEST_S3_BUCKET");

    public static S3Settings Settings => new(Endpoint, Require("CAIRN_TEST_S3_ACCESS_KEY"), Require("CAIRN_TEST_S3_SECRET_KEY"), null, null);

    /// <summary>A fresh prefix per test, so tests share the bucket without seeing each other's objects.</summary>
    public static S3Location NewLocation() => S3Location.Parse($"s3://{Bucket}/tests/{Guid.NewGuid():N}");

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: the S3 tests need the S3 test server that ./test.sh starts (tests/s3-server).");
}
