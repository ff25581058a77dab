using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// A throw-away mariadbd of its own (a copy of the cluster's template datadir in a temp folder, on a free port),
/// for faults that must not touch the shared cluster: SIGSTOP, kill. The proxy's backend user is created in it.
/// </summary>
internal sealed class PrivateMariaDb : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string[] _arguments;
    private Process _process;
    private bool _killed; // by KillAsync: an exit that is no surprise

    private PrivateMariaDb(string directory, int port, string[] arguments)
    {
        _directory = directory;
        _arguments = arguments;
        Port = port;
        _process = Launch();
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo("mariadbd") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in _arguments)
            start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }

    public int Port { get; }
    public int ProcessId => _process.Id;

    /// <summary>Starts a server of its own. <paramref name="serverId"/> and <paramref name="extraArguments"/> make it a
    /// replication source or replica (log-bin, gtid-domain-id…); without them it has no binlog.</summary>
    public static async Task<PrivateMariaDb> StartAsync(int serverId = 99, params string[] extraArguments)
    {
        var template = await Template.Value;
        var directory = Path.Combine(Path.GetTempPath(), $"switchyard-it-{Guid.NewGuid():N}"[..28]);
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(directory);
        await RunAsync("cp", "-a", template, data);
        var port = FreePort();
        string[] arguments = ["--no-defaults", "--user=root", $"--datadir={data}", $"--port={port}", "--bind-address=127.0.0.1",
            $"--socket={directory}/sock", $"--pid-file={directory}/pid", $"--log-error={directory}/error.log", $"--server-id={serverId}",
            "--skip-name-resolve", "--innodb-buffer-pool-size=8M", "--innodb-log-file-size=8M",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci", "--max-connections=100",
            .. extraArguments.Length == 0 ? ["--skip-log-bin"] : extraArguments];
        var instance = new PrivateMariaDb(directory, port, arguments);
        try
        {
            await instance.WaitUntilReadyAsync();
            await Sql.ExecuteAsync(instance.Root() + "AllowUserVariables=true;",
                "SET SESSION sql_log_bin = 0; CREATE USER switchyard@'%' IDENTIFIED BY 'switchyard'; GRANT ALL ON *.* TO switchyard@'%'");
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>The cluster's template datadir; without one (a worktree where scripts/cluster.sh never ran and
    /// SWITCHYARD_ROOT is unset) a template is made once per test run with mariadb-install-db (1 to 5 s).</summary>
    private static readonly Lazy<Task<string>> Template = new(async () =>
    {
        if (Directory.Exists(Cluster.TemplateDataDir))
            return Cluster.TemplateDataDir;
        var made = Path.Combine(Path.GetTempPath(), $"switchyard-it-template-{Environment.ProcessId}");
        if (!Directory.Exists(made))
        {
            await RunAsync("mariadb-install-db", "--no-defaults", "--user=root", $"--datadir={made}",
                "--auth-root-authentication-method=normal", "--skip-test-db", "--innodb-log-file-size=8M");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(made, recursive: true);
        }
        return made;
    });

    public string Root() => Cluster.ConnectionString(Port, null, "root", "");

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"mariadbd exited: {ReadLog()}");
            try
            {
                await Sql.ScalarAsync(Root() + "Connection Timeout=1;", "SELECT 1");
                return;
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>kill -9: connections are refused until <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        await ThawAsync();
        _killed = true;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts the server again on the same datadir and port (after <see cref="KillAsync"/>) and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        _killed = false;
        _process = Launch();
        await WaitUntilReadyAsync();
    }

    public bool IsRunning => !_process.HasExited;

    /// <summary>SIGSTOP: the kernel still accepts TCP connections, but the server never answers.</summary>
    public Task FreezeAsync() => ProcessFreeze.StopAsync(_process.Id);
    public Task ThawAsync() => ProcessFreeze.ContinueAsync(_process.Id);

    private string ReadLog()
    {
        var log = Path.Combine(_directory, "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no error log)";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        // A server that died without being told to keeps its error log for whoever investigates the failed test.
        if (_process.HasExited && !_killed && File.Exists(Path.Combine(_directory, "error.log")))
        {
            var kept = Path.Combine(Path.GetTempPath(), $"switchyard-it-died-{Port}-{DateTime.UtcNow:HHmmss}.log");
            File.Copy(Path.Combine(_directory, "error.log"), kept, overwrite: true);
            Console.Error.WriteLine($"PrivateMariaDb on port {Port} (server id in {string.Join(' ', _arguments.Where(a => a.StartsWith("--server-id", StringComparison.Ordinal)))}) exited on its own; error log kept in {kept}");
        }
        if (!_process.HasExited)
        {
            try
            {
                await ThawAsync();
            }
            catch (InvalidOperationException)
            {
                // Exited in between.
            }
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort, it is under the temp folder.
        }
    }
}
