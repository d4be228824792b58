using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cairn.Tests.Shared;

/// <summary>
/// A PostgreSQL cluster of a test's own (initdb in a temporary folder, a free loopback port), for tests that stop and
/// start the server under load; the shared server of <see cref="PostgresTestDatabase"/> must keep running for the
/// others. Uses Debian's installed PostgreSQL (./test.sh installs it) and fails, never skips, without it. As root, the
/// cluster runs as the <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly int _port;

    private PostgresCluster(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        _port = port;
    }

    /// <summary>The cluster's <c>postgres</c> database as a backend store URI.</summary>
    public string Uri => $"postgresql://postgres@127.0.0.1:{_port}/postgres";

    private string DataFolder => Path.Combine(_folder, "data");

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderBy(b => b.Length).ThenBy(b => b, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); ./test.sh installs Debian's postgresql package.");
        }

        var folder = Directory.CreateTempSubdirectory("cairn-pg-").FullName;
        var cluster = new PostgresCluster(bin, folder, FreePort());
        try
        {
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", ["postgres", folder]);
            }

            await cluster.PgAsync("initdb", ["-D", cluster.DataFolder, "-A", "trust", "-U", "postgres", "--no-sync"]);
            await cluster.StartServerAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped server again on the same port and data; returns once it accepts connections.</summary>
    public Task StartServerAsync() => PgAsync("pg_ctl", ["-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "start", "-o",
        $"-c listen_addresses=127.0.0.1 -c port={_port} -c unix_socket_directories={_folder} -c max_connections=100"]);

    /// <summary>
    /// Stops the server in fast mode (what a service manager does on restart): open transactions are rolled back,
    /// connections are dropped, committed work is flushed.
    /// </summary>
    public Task StopServerAsync() => PgAsync("pg_ctl", ["-D", DataFolder, "-w", "-t", "60", "-m", "fast", "stop"]);

    private Task PgAsync(string program, IEnumerable<string> arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. arguments])
            : RunAsync(Path.Combine(_bin, program), arguments);

    private static async Task RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", ["-D", DataFolder, "-w", "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Not running (never started, or stopped by the test).
        }

        Directory.Delete(_folder, recursive: true);
    }
}
