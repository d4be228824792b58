using System.Net;
using System.Net.Sockets;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>
/// The S3-protocol server that test.sh starts on loopback (s3rver), described by CAIRN_TEST_S3_* variables.
/// Without them the S3 tests fail rather than skip, so a broken setup never passes as green.
/// </summary>
public static class S3TestServer
{
    public static string Endpoint => Require("CAIRN_TEST_S3_ENDPOINT");

    public static string Bucket => Require("CAIRN_TEST_S3_BUCKET");

    public static string AccessKey => Require("CAIRN_TEST_S3_ACCESS_KEY");

    public static string SecretKey => Require("CAIRN_TEST_S3_SECRET_KEY");

    /// <summary>Server settings that put artifacts under a fresh prefix of the test bucket.</summary>
    public static IEnumerable<string> Arguments(string destination, string endpoint) =>
    [
        $"--Artifacts:Destination={destination}",
        $"--Artifacts:S3:EndpointUrl={endpoint}",
        $"--Artifacts:S3:AccessKeyId={AccessKey}",
        $"--Artifacts:S3:SecretAccessKey={SecretKey}",
    ];

    /// <summary>A loopback port nothing listens on: the endpoint of an S3 service that is down.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: the S3 tests need the S3 test server that ./test.sh starts (tests/s3-server).");
}

/// <summary>The real server with its artifacts in the S3 test bucket.</summary>
public sealed class S3CairnServer : CairnServer
{
    public string Destination { get; } = $"s3://{S3TestServer.Bucket}/server-tests/{Guid.NewGuid():N}";

    protected override IEnumerable<string> ExtraArguments => S3TestServer.Arguments(Destination, S3TestServer.Endpoint);
}

/// <summary>The real server pointed at an S3 endpoint that is down (a closed loopback port).</summary>
public sealed class S3DownCairnServer : CairnServer
{
    protected override IEnumerable<string> ExtraArguments =>
        S3TestServer.Arguments("s3://cairn-down/artifacts", $"http://127.0.0.1:{S3TestServer.ClosedPort()}");
}
