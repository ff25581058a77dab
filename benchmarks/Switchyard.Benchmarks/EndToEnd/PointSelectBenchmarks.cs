using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Switchyard.Benchmarks.Support;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;

namespace Switchyard.Benchmarks.EndToEnd;

/// <summary>
/// One point select by primary key, one connection, one round trip at a time: directly on the primary (the
/// baseline) and through an in-process <see cref="SwitchyardServer"/> started from config/switchyard.yaml on port 0.
/// The ratio column is the proxy's cost in latency. Text protocol (COM_QUERY) and prepared statements
/// (COM_STMT_EXECUTE) are separate cases. Needs the local cluster (scripts/cluster.sh up); creates database
/// switchyard_bench (1000 rows) on the primary as root.
/// </summary>
[MemoryDiagnoser]
public class PointSelectBenchmarks
{
    private const string Database = "switchyard_bench";
    private const int Rows = 1000;

    private SwitchyardServer? _server;
    private MySqlConnection? _direct, _proxy;
    private MySqlCommand? _directCommand, _proxyCommand;
    private int _id;

    /// <summary>True: MySqlCommand.Prepare (binary protocol); false: text protocol.</summary>
    [Params(false, true)]
    public bool Prepared { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // The proxy's own start-up tuning (inline socket completions), as its Program.Main applies it. It is
        // process-wide, so the direct client runs with it too: both sides of the ratio see the same runtime.
        SocketEngineTuning.Apply();

        var config = ConfigLoader.LoadFile(RepoFiles.PathOf("config/switchyard.yaml")) with
        {
            MySqlListener = new ListenEndpoint("127.0.0.1", 0),
            HttpListener = new ListenEndpoint("127.0.0.1", 0),
        };
        var primary = config.Backends.Single(b => b.Role == BackendRole.Primary);
        await CreateDataAsync(config, primary);

        _server = await SwitchyardServer.StartAsync(config, NullLoggerFactory.Instance);
        var user = Environment.GetEnvironmentVariable("SWITCHYARD_BENCH_USER") ?? "app";
        var password = Environment.GetEnvironmentVariable("SWITCHYARD_BENCH_PASSWORD") ?? "app";
        (_direct, _directCommand) = await OpenAsync(primary.Host, primary.Port, user, password);
        (_proxy, _proxyCommand) = await OpenAsync("127.0.0.1", _server.MySqlEndPoint.Port, user, password);
    }

    [Benchmark(Baseline = true)]
    public Task<object?> Direct() => ExecuteAsync(_directCommand!);

    [Benchmark]
    public Task<object?> ThroughProxy() => ExecuteAsync(_proxyCommand!);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_direct is not null)
            await _direct.DisposeAsync();
        if (_proxy is not null)
            await _proxy.DisposeAsync();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private Task<object?> ExecuteAsync(MySqlCommand command)
    {
        _id = _id % Rows + 1;
        command.Parameters[0].Value = _id;
        return command.ExecuteScalarAsync();
    }

    private async Task<(MySqlConnection, MySqlCommand)> OpenAsync(string host, int port, string user, string password)
    {
        var connection = new MySqlConnection(new MySqlConnectionStringBuilder
        {
            Server = host,
            Port = (uint)port,
            UserID = user,
            Password = password,
            Database = Database,
            SslMode = MySqlSslMode.None,
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        var command = new MySqlCommand("SELECT c FROM t WHERE id = @id", connection);
        command.Parameters.AddWithValue("@id", 1);
        if (Prepared)
            await command.PrepareAsync();
        return (connection, command);
    }

    /// <summary>The table, as root directly on the primary; then every replica of the configuration is waited for,
    /// so the rows are there wherever a later version of the proxy sends the reads.</summary>
    private static async Task CreateDataAsync(SwitchyardConfig config, BackendConfig primary)
    {
        await using var root = new MySqlConnection($"Server={primary.Host};Port={primary.Port};User ID=root;SslMode=None;Pooling=false");
        await root.OpenAsync();
        await using (var create = new MySqlCommand(
            $"""
            CREATE DATABASE IF NOT EXISTS {Database};
            CREATE TABLE IF NOT EXISTS {Database}.t (id INT PRIMARY KEY, c CHAR(120) NOT NULL);
            INSERT IGNORE INTO {Database}.t SELECT seq, REPEAT(CHAR(97 + seq % 26), 120) FROM {Database}.seq_1_to_{Rows};
            """, root))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using var position = new MySqlCommand("SELECT @@gtid_binlog_pos", root);
        var gtid = (string)(await position.ExecuteScalarAsync())!;
        foreach (var replica in config.Backends.Where(b => b.Role != BackendRole.Primary))
        {
            await using var connection = new MySqlConnection($"Server={replica.Host};Port={replica.Port};User ID=root;SslMode=None;Pooling=false");
            await connection.OpenAsync();
            await using var wait = new MySqlCommand($"SELECT MASTER_GTID_WAIT('{gtid}', 30)", connection);
            await wait.ExecuteScalarAsync();
        }
    }
}
