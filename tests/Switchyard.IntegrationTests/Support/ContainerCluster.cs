using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using MySqlConnector;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// The cluster of scripts/cluster.sh as three mariadb containers on a network of their own: the same server options,
/// users, databases and GTID replication (<see cref="ClusterSetup"/>), published on 127.0.0.1. Faults act on the
/// containers: kill (SIGKILL of the server), pause/unpause (the cgroup freezer, as SIGSTOP/SIGCONT does to a process)
/// and start again what is not running.
/// </summary>
internal sealed class ContainerCluster : IAsyncDisposable
{
    /// <summary>The same major version as the Debian package the process path runs.</summary>
    public const string Image = "mariadb:10.11";

    private const int ServerPort = 3306;
    private static readonly string PrimaryAlias = ClusterSetup.Instances[0];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    private readonly INetwork _network;
    private readonly IReadOnlyList<Instance> _instances;
    private readonly DockerClient _docker;

    private ContainerCluster(INetwork network, IReadOnlyList<Instance> instances, DockerClient docker)
    {
        _network = network;
        _instances = instances;
        _docker = docker;
    }

    /// <summary>The host ports, in cluster.sh's order of instances: primary, replica1, replica2.</summary>
    public ClusterEndpoints Endpoints => new(_instances[0].HostPort, _instances[1].HostPort, _instances[2].HostPort);

    /// <summary>One server: its cluster.sh name (also its network alias), container and fixed host port.</summary>
    private sealed record Instance(string Name, IContainer Container, int HostPort)
    {
        public bool IsReplica => Name != PrimaryAlias;
        public string Root => Cluster.ConnectionString(HostPort, null, "root", "");
    }

    /// <summary>Creates, starts and sets up the three servers; fails with an error naming
    /// <see cref="TestBackendSelection.Variable"/> when there is no engine or a container does not start.</summary>
    public static async Task<ContainerCluster> StartAsync(CancellationToken cancellationToken)
    {
        var engine = RequireEngine(TestcontainersSettings.OS.DockerEndpointAuthConfig);
        var network = new NetworkBuilder().Build();
        var docker = engine.GetDockerClientBuilder(ResourceReaper.DefaultSessionId).Build();
        var ports = FreeLoopbackPorts(ClusterSetup.Instances.Count);
        Instance[] instances = [.. ClusterSetup.Instances.Select((name, i) => Create(network, name, ports[i]))];
        var cluster = new ContainerCluster(network, instances, docker);
        try
        {
            await network.CreateAsync(cancellationToken);
            await Task.WhenAll(instances.Select(i => i.Container.StartAsync(cancellationToken)));
            foreach (var instance in instances)
                RequireLoopback(instance.Container.Hostname);
            await cluster.WaitUntilAnsweringAsync(cancellationToken);
            // The image's first-start initialisation may write to the binlog under each server's own server_id; a
            // datadir from cluster.sh's template has an empty binlog. Emptying it gives the same start: the replicas
            // then apply the primary's binlog from its first event, and no server has GTIDs of its own.
            foreach (var instance in instances)
                await ExecuteAsync(instance.Root, ["RESET MASTER"], cancellationToken);
            await cluster.SetUpAsync(cancellationToken);
            return cluster;
        }
        catch (Exception e)
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (Exception)
            {
                // The start's error is the one worth reporting; Testcontainers' reaper removes what is left.
            }
            throw new InvalidOperationException(
                $"{TestBackendSelection.Variable}={TestBackendSelection.ContainersValue}: the MariaDB containers ({Image}) did not " +
                $"start: {e.Message}", e);
        }
    }

    /// <summary>The engine Testcontainers found, or an error that says how to run without one.</summary>
    internal static IDockerEndpointAuthenticationConfiguration RequireEngine(IDockerEndpointAuthenticationConfiguration? engine) =>
        engine ?? throw new InvalidOperationException(
            $"{TestBackendSelection.Variable}={TestBackendSelection.ContainersValue} but no Docker engine was found (DOCKER_HOST, " +
            $"~/.testcontainers.properties or /var/run/docker.sock): start one, or unset {TestBackendSelection.Variable} to use " +
            "the servers of scripts/cluster.sh");

    /// <summary>The tests and the private servers of <see cref="PrivateMariaDb"/> all connect to 127.0.0.1, so the
    /// published ports must be on this machine: a remote engine is refused rather than half working.</summary>
    internal static void RequireLoopback(string hostname)
    {
        if (hostname is "localhost" || (IPAddress.TryParse(hostname, out var address) && IPAddress.IsLoopback(address)))
            return;
        throw new InvalidOperationException(
            $"{TestBackendSelection.Variable}={TestBackendSelection.ContainersValue} needs a Docker engine on this machine: its " +
            $"containers are reached at '{hostname}', but the tests connect to {Cluster.Host}");
    }

    private static Instance Create(INetwork network, string name, int hostPort) =>
        new(name, Builder(name, hostPort).WithNetwork(network).Build(), hostPort);

    /// <summary>Everything about one server's container but its network (which needs an engine to exist).</summary>
    internal static ContainerBuilder Builder(string name, int hostPort) =>
        new ContainerBuilder(Image)
            .WithName($"switchyard-it-{name}-{Guid.NewGuid():N}"[..36])
            .WithNetworkAliases(name)
            // Root without a password from anywhere, as cluster.sh's template has it (Cluster.Root connects so).
            .WithEnvironment("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
            .WithEnvironment("MARIADB_INITDB_SKIP_TZINFO", "1")
            // The image's entrypoint passes arguments that start with "--" on to mariadbd.
            .WithCommand([.. ClusterSetup.ServerOptions(ClusterSetup.ServerId(name), replica: name != PrimaryAlias)])
            // A host port chosen here, not by Docker: Docker picks a new random one each time a container starts,
            // and a killed server must come back where the tests and running proxies expect it (as cluster.sh's do).
            .WithPortBinding(hostPort, ServerPort)
            // Only on loopback: root has no password.
            .WithCreateParameterModifier(parameters =>
            {
                foreach (var binding in parameters.HostConfig?.PortBindings?.Values.SelectMany(b => b ?? []) ?? [])
                    binding.HostIP = "127.0.0.1";
            })
            // Over TCP inside the container: the entrypoint's temporary initialisation server listens on no port,
            // so this answers only once the real server is up.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilCommandIsCompleted(
                ["mariadb-admin", "--protocol=tcp", "-h127.0.0.1", "-uroot", "--connect-timeout=2", "ping"],
                wait => wait.WithTimeout(StartTimeout)));

    /// <summary>Distinct free ports, held together so that none is handed out twice.</summary>
    private static int[] FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private Instance Find(string name) =>
        _instances.FirstOrDefault(i => i.Name == name) ?? throw new ArgumentException($"no cluster instance '{name}'", nameof(name));

    /// <summary>SIGKILL of the server (the container's first process): connections are refused until <see cref="UpAsync"/>.</summary>
    public async Task KillAsync(string name)
    {
        var instance = Find(name);
        var state = await StateAsync(instance);
        // Docker refuses to kill a paused container; a SIGSTOPped process can be killed, so unpause it first.
        if (state.Paused)
            await _docker.Containers.UnpauseContainerAsync(instance.Container.Id);
        if (state.Running)
            await _docker.Containers.KillContainerAsync(instance.Container.Id, new ContainerKillParameters { Signal = "KILL" });
    }

    /// <summary>Every process of the container stops: connections stay open and nothing answers, as with SIGSTOP.</summary>
    public async Task FreezeAsync(string name)
    {
        var instance = Find(name);
        var state = await StateAsync(instance);
        if (state.Running && !state.Paused)
            await _docker.Containers.PauseContainerAsync(instance.Container.Id);
    }

    /// <summary>Undoes <see cref="FreezeAsync"/>; like SIGCONT, a no-op on a server that is not frozen.</summary>
    public async Task ThawAsync(string name)
    {
        var instance = Find(name);
        if ((await StateAsync(instance)).Paused)
            await _docker.Containers.UnpauseContainerAsync(instance.Container.Id);
    }

    /// <summary>What `scripts/cluster.sh up` does: starts what is not running, runs the idempotent setup again and waits
    /// until the replicas have caught up. A frozen server counts as running, as it does for the script.</summary>
    public async Task UpAsync(CancellationToken cancellationToken = default)
    {
        foreach (var instance in _instances)
        {
            if (!(await StateAsync(instance)).Running)
                await _docker.Containers.StartContainerAsync(instance.Container.Id, new ContainerStartParameters(), cancellationToken);
        }
        await WaitUntilAnsweringAsync(cancellationToken);
        await SetUpAsync(cancellationToken);
    }

    /// <summary>Docker's view: a paused container is also running.</summary>
    private async Task<(bool Running, bool Paused)> StateAsync(Instance instance)
    {
        var state = (await _docker.Containers.InspectContainerAsync(instance.Container.Id)).State;
        return (state?.Running ?? false, state?.Paused ?? false);
    }

    /// <summary>cluster.sh's setup_repl_user, setup_primary, setup_replica and wait_replicas, in that order.</summary>
    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        foreach (var instance in _instances)
            await ExecuteAsync(instance.Root, ClusterSetup.ReplicationUserStatements, cancellationToken);
        var primary = Find(PrimaryAlias);
        await ExecuteAsync(primary.Root, ClusterSetup.PrimaryStatements, cancellationToken);
        foreach (var replica in _instances.Where(i => i.IsReplica))
        {
            // The replicas reach the primary by its alias on the containers' network, on the server's own port.
            var status = await SlaveStatusAsync(replica, cancellationToken);
            if (status is null || status.GetValueOrDefault("Master_Host") != PrimaryAlias || status.GetValueOrDefault("Master_Port") != ServerPort.ToString(CultureInfo.InvariantCulture))
                await ExecuteAsync(replica.Root, ClusterSetup.PointReplicaStatements(PrimaryAlias, ServerPort), cancellationToken);
            await ExecuteAsync(replica.Root, [ClusterSetup.StartReplicaStatement], cancellationToken);
        }
        await WaitForReplicasAsync(primary, cancellationToken);
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var instance in _instances)
        {
            while (true)
            {
                try
                {
                    await ExecuteAsync(instance.Root + "Connection Timeout=2;", ["SELECT 1"], cancellationToken);
                    break;
                }
                catch (MySqlException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
        }
    }

    private async Task WaitForReplicasAsync(Instance primary, CancellationToken cancellationToken)
    {
        var target = (string?)await Sql.ScalarAsync(primary.Root, "SELECT @@gtid_binlog_pos") ?? "";
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        foreach (var replica in _instances.Where(i => i.IsReplica))
        {
            while (true)
            {
                var status = await SlaveStatusAsync(replica, cancellationToken);
                if (status is not null && status.GetValueOrDefault("Slave_SQL_Running") == "No" && status.GetValueOrDefault("Last_SQL_Error") is { Length: > 0 } error)
                    throw new InvalidOperationException($"{replica.Name}: replication SQL thread stopped: {error}");
                if (status is not null && status.GetValueOrDefault("Slave_IO_Running") == "Yes" && status.GetValueOrDefault("Slave_SQL_Running") == "Yes"
                    && Convert.ToInt64(await Sql.ScalarAsync(replica.Root, $"SELECT MASTER_GTID_WAIT('{target}', 0.2)"), CultureInfo.InvariantCulture) == 0)
                    break;
                if (DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"{replica.Name}: replication not caught up to {target} within {CatchUpTimeout.TotalSeconds:0} s");
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>SHOW SLAVE STATUS as column → value, or null when replication is not configured.</summary>
    private static async Task<Dictionary<string, string>?> SlaveStatusAsync(Instance replica, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(replica.Root);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SHOW SLAVE STATUS", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var status = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
            status[reader.GetName(i)] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
        return status;
    }

    /// <summary>The statements in order on one connection (sql_log_bin is a session setting).</summary>
    private static async Task ExecuteAsync(string connectionString, IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var statement in statements)
        {
            await using var command = new MySqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.Container.DisposeAsync();
        await _network.DisposeAsync();
        _docker.Dispose();
    }
}
