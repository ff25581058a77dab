using System.Net;
using Switchyard.Protocol.Authentication;
using Switchyard.Routing.Balancing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Proxy.Configuration;

/// <summary>Reads the YAML file into an immutable <see cref="SwitchyardConfig"/>, reporting every problem at once.
/// Nothing is returned unless the whole file is valid, so a bad file can never replace a good configuration.</summary>
public static partial class ConfigLoader
{
    public static SwitchyardConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, [new ConfigError($"cannot read the file: {e.Message}")]);
        }
        return LoadYaml(text, path);
    }

    public static SwitchyardConfig LoadYaml(string yaml, string source = "configuration") => LoadYaml(yaml, source, catalog: null);

    /// <summary>The keys the loader accepts in each section that <paramref name="yaml"/> has, whether or not the file is
    /// valid; for the test that keeps the JSON Schema and the loader in step.</summary>
    internal static KeyCatalog KnownKeys(string yaml)
    {
        var catalog = new KeyCatalog();
        try
        {
            LoadYaml(yaml, "catalog", catalog);
        }
        catch (ConfigException)
        {
            // Only the keys are wanted.
        }
        return catalog;
    }

    private static SwitchyardConfig LoadYaml(string yaml, string source, KeyCatalog? catalog)
    {
        var errors = new List<ConfigError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException(source, [new ConfigError($"YAML syntax: {e.InnerException?.Message ?? e.Message}", (int)e.Start.Line, (int)e.Start.Column)]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException(source, [new ConfigError("the file must be a YAML mapping (key: value) at the top level")]);

        var config = Read(new YamlSection(root, "", errors, catalog));
        Validate(config, errors);
        if (errors.Count > 0)
            throw new ConfigException(source, errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
        return config;
    }

    private static SwitchyardConfig Read(YamlSection root)
    {
        root.AllowOnly("listeners", "logging", "limits", "backend_credentials", "backend_timeouts", "pool", "routing", "prepared_statements", "monitor", "consistency", "users", "backends", "server_version",
            "rules", "digests", "topology", "regions", "conflicts");
        var defaults = new SwitchyardConfig();
        var config = defaults;

        if (root.Section("listeners") is { } listeners)
        {
            listeners.AllowOnly("mysql", "http");
            config = config with
            {
                MySqlListener = Endpoint(listeners, "mysql", defaults.MySqlListener),
                HttpListener = Endpoint(listeners, "http", defaults.HttpListener),
            };
        }

        if (root.Section("logging") is { } logging)
        {
            logging.AllowOnly("level", "format", "max_sql_length");
            var level = logging.String("level") ?? defaults.Logging.Level;
            if (!LogLevels.Contains(level.ToLowerInvariant()))
                logging.Error(logging.Get("level")!, $"'logging.level' must be one of {string.Join(", ", LogLevels)}, not '{level}'");
            var format = logging.String("format") ?? defaults.Logging.Format;
            if (format is not ("text" or "json"))
                logging.Error(logging.Get("format")!, $"'logging.format' must be text or json, not '{format}'");
            config = config with
            {
                Logging = new LoggingConfig { Level = level.ToLowerInvariant(), Format = format, MaxSqlLength = logging.Int("max_sql_length", defaults.Logging.MaxSqlLength, 0, 1_000_000) },
            };
        }

        if (root.Section("limits") is { } limits)
        {
            limits.AllowOnly("max_packet_size", "client_handshake_timeout", "client_read_timeout", "drain_timeout");
            config = config with
            {
                Limits = new LimitsConfig
                {
                    MaxPacketSize = limits.Size("max_packet_size", defaults.Limits.MaxPacketSize, 1024),
                    ClientHandshakeTimeout = limits.Duration("client_handshake_timeout", defaults.Limits.ClientHandshakeTimeout, TimeSpan.FromMilliseconds(100)),
                    ClientReadTimeout = limits.Duration("client_read_timeout", defaults.Limits.ClientReadTimeout, TimeSpan.FromMilliseconds(100)),
                    DrainTimeout = limits.Duration("drain_timeout", defaults.Limits.DrainTimeout, TimeSpan.Zero),
                },
            };
        }

        if (root.Section("digests") is { } digests)
        {
            digests.AllowOnly("enabled", "max_digests", "metrics_top");
            config = config with
            {
                Digests = new DigestsConfig
                {
                    Enabled = digests.Bool("enabled", defaults.Digests.Enabled),
                    MaxDigests = digests.Int("max_digests", defaults.Digests.MaxDigests, 1, 1_000_000),
                    MetricsTop = digests.Int("metrics_top", defaults.Digests.MetricsTop, 0, 1000),
                },
            };
        }

        if (root.Section("backend_credentials") is { } credentials)
        {
            credentials.AllowOnly("user", "password", "password_env");
            var user = credentials.RequiredString("user");
            var password = Secret(credentials, allowHash: false) ?? "";
            config = config with { BackendCredentials = new BackendCredentials(user, password) };
        }
        else
        {
            root.Error(root.Node, "'backend_credentials' is required: the user and password Switchyard uses on the backends");
        }

        if (root.Section("backend_timeouts") is { } timeouts)
        {
            timeouts.AllowOnly("connect", "handshake");
            config = config with
            {
                BackendTimeouts = new BackendTimeouts
                {
                    Connect = timeouts.Duration("connect", defaults.BackendTimeouts.Connect, TimeSpan.FromMilliseconds(10)),
                    Handshake = timeouts.Duration("handshake", defaults.BackendTimeouts.Handshake, TimeSpan.FromMilliseconds(10)),
                },
            };
        }

        if (root.Section("pool") is { } pool)
        {
            pool.AllowOnly("max_connections_per_backend", "min_idle", "wait_timeout", "idle_timeout", "max_age", "liveness_check_after");
            config = config with
            {
                Pool = new PoolConfig
                {
                    MaxConnectionsPerBackend = pool.Int("max_connections_per_backend", defaults.Pool.MaxConnectionsPerBackend, 1, 100_000),
                    WaitTimeout = pool.Duration("wait_timeout", defaults.Pool.WaitTimeout, TimeSpan.Zero),
                    IdleTimeout = pool.Duration("idle_timeout", defaults.Pool.IdleTimeout, TimeSpan.FromSeconds(1)),
                    MaxAge = pool.Duration("max_age", defaults.Pool.MaxAge, TimeSpan.FromSeconds(1)),
                    MinIdle = pool.Int("min_idle", defaults.Pool.MinIdle, 0, 10_000),
                    LivenessCheckAfter = pool.Duration("liveness_check_after", defaults.Pool.LivenessCheckAfter, TimeSpan.Zero),
                },
            };
        }

        if (root.Section("routing") is { } routing)
        {
            routing.AllowOnly("read_balancing", "replica_retry_delay", "hold_for_next_statement", "pipelined_lanes", "pipeline_max_depth", "pipeline_stall_timeout");
            var policy = routing.String("read_balancing") ?? defaults.Routing.ReadBalancing;
            if (!BalancingPolicies.IsKnown(policy))
                routing.Error(routing.Get("read_balancing")!, $"'routing.read_balancing' must be one of {BalancingPolicyNames.RoundRobin}, {BalancingPolicyNames.Weighted}, {BalancingPolicyNames.LeastConnections}, not '{policy}'");
            config = config with
            {
                Routing = new RoutingConfig
                {
                    ReadBalancing = policy,
                    ReplicaRetryDelay = routing.Duration("replica_retry_delay", defaults.Routing.ReplicaRetryDelay, TimeSpan.FromMilliseconds(10)),
                    HoldForNextStatement = routing.Duration("hold_for_next_statement", defaults.Routing.HoldForNextStatement, TimeSpan.FromMilliseconds(1)),
                    PipelinedLanes = routing.Int("pipelined_lanes", defaults.Routing.PipelinedLanes, 0, 64),
                    PipelineMaxDepth = routing.Int("pipeline_max_depth", defaults.Routing.PipelineMaxDepth, 1, 1024),
                    PipelineStallTimeout = routing.Duration("pipeline_stall_timeout", defaults.Routing.PipelineStallTimeout, TimeSpan.FromMilliseconds(10)),
                },
            };
        }

        if (root.Section("prepared_statements") is { } statements)
        {
            statements.AllowOnly("max_per_connection", "max_per_session");
            config = config with
            {
                PreparedStatements = new PreparedStatementsConfig
                {
                    MaxPerConnection = statements.Int("max_per_connection", defaults.PreparedStatements.MaxPerConnection, 1, 100_000),
                    MaxPerSession = statements.Int("max_per_session", defaults.PreparedStatements.MaxPerSession, 1, 1_000_000),
                },
            };
        }

        if (root.Section("monitor") is { } monitor)
            config = config with { Monitor = ReadMonitor(monitor, defaults.Monitor) };

        if (root.Section("topology") is { } topology)
            config = config with { Topology = ReadTopology(topology, defaults.Topology) };

        if (root.Section("regions") is { } regions)
            config = config with { Regions = ReadRegions(regions) };

        // Galera nodes commit without a per-write GTID a node could wait for: read-your-writes keeps to the time window.
        var galera = config.Topology.Kind == TopologyKind.Galera;
        var consistencyDefaults = galera
            ? defaults.Consistency with { ReadYourWrites = defaults.Consistency.ReadYourWrites with { Mode = ReadYourWritesModeSetting.Time } }
            : defaults.Consistency;
        config = config with
        {
            Consistency = root.Section("consistency") is { } consistency ? ReadConsistency(consistency, consistencyDefaults, galera) : consistencyDefaults,
        };

        var users = new List<UserConfig>();
        foreach (var user in root.Sections("users"))
        {
            user.AllowOnly("name", "password", "password_hash", "password_env", "consistency");
            var name = user.RequiredString("name");
            var hash = SecretHash(user);
            if (users.Any(u => u.Name == name))
                user.Error(user.Get("name") ?? user.Node, $"user '{name}' is defined twice");
            users.Add(new UserConfig { Name = name, PasswordDoubleSha1 = hash, Consistency = ConsistencyLevelText(user, "consistency") });
        }
        if (root.Get("users") is null)
            root.Error(root.Node, "'users' is required: the client users Switchyard accepts");

        var backends = new List<BackendConfig>();
        foreach (var backend in root.Sections("backends"))
        {
            backend.AllowOnly("name", "address", "socket", "role", "weight", "max_replication_lag", "region", "groups");
            var (region, groups) = BackendTags(backend);
            var name = backend.RequiredString("name");
            var socket = SocketPath(backend);
            if (backend.Get("address") is null && backend.Get("socket") is null)
                backend.Error(backend.Node, $"'{backend.Qualify("address")}' (host:port) or '{backend.Qualify("socket")}' (the server's Unix socket) is required");
            var (host, port) = HostPort(backend, "address", required: false) ?? ("", 0);
            var roleText = backend.String("role") ?? "replica";
            BackendRole role = BackendRole.Replica;
            if (roleText == "primary")
                role = BackendRole.Primary;
            else if (roleText != "replica")
                backend.Error(backend.Get("role")!, $"'{backend.Qualify("role")}' must be primary or replica, not '{roleText}'");
            if (backends.Any(b => b.Name == name))
                backend.Error(backend.Get("name") ?? backend.Node, $"backend '{name}' is defined twice");
            else if (port != 0 && backends.Any(b => b.Host == host && b.Port == port))
                backend.Error(backend.Get("address")!, $"backend address {host}:{port} is used twice");
            else if (socket is not null && backends.Any(b => b.Socket == socket))
                backend.Error(backend.Get("socket")!, $"backend socket {socket} is used twice");
            backends.Add(new BackendConfig { Name = name, Host = host, Port = port, Socket = socket, Role = role, Weight = backend.Int("weight", 1, 0, 1000),
                MaxReplicationLag = backend.Get("max_replication_lag") is null ? null : backend.Duration("max_replication_lag", TimeSpan.Zero, TimeSpan.FromMilliseconds(1)),
                Region = region, Groups = groups,
            });
        }
        if (root.Get("backends") is null)
            root.Error(root.Node, "'backends' is required");

        return config with
        {
            Users = users,
            Backends = backends,
            FallbackServerVersion = root.String("server_version") ?? defaults.FallbackServerVersion,
            Rules = RulesConfigLoader.Read(root, users, backends),
            Conflicts = root.Section("conflicts") is { } conflicts ? ReadConflicts(conflicts, backends) : defaults.Conflicts,
        };
    }

    private static MonitorConfig ReadMonitor(YamlSection monitor, MonitorConfig defaults)
    {
        monitor.AllowOnly("enabled", "interval", "check_timeout", "user", "password", "password_env", "max_replication_lag",
            "lag_recovery_ratio", "failures_to_down", "successes_to_online", "shun_after_errors", "shun_window", "heartbeat");
        BackendCredentials? credentials = null;
        var password = Secret(monitor, allowHash: false);
        if (monitor.String("user") is { } user)
            credentials = new BackendCredentials(user, password ?? "");
        else if (monitor.Get("password") is not null || monitor.Get("password_env") is not null)
            monitor.Error(monitor.Node, "'monitor.user' is required when a monitor password is given");

        var heartbeat = defaults.Heartbeat;
        if (monitor.Section("heartbeat") is { } beat)
        {
            beat.AllowOnly("enabled", "interval", "table");
            var table = beat.String("table") ?? heartbeat.Table;
            if (!HeartbeatTablePattern().IsMatch(table))
                beat.Error(beat.Get("table")!, $"'monitor.heartbeat.table' must be database.table (letters, digits, _ and $), not '{table}'");
            heartbeat = new HeartbeatConfig
            {
                Enabled = beat.Bool("enabled", heartbeat.Enabled),
                Interval = beat.Duration("interval", heartbeat.Interval, TimeSpan.FromMilliseconds(10)),
                Table = table,
            };
        }

        return new MonitorConfig
        {
            Enabled = monitor.Bool("enabled", defaults.Enabled),
            Interval = monitor.Duration("interval", defaults.Interval, TimeSpan.FromMilliseconds(10)),
            CheckTimeout = monitor.Duration("check_timeout", defaults.CheckTimeout, TimeSpan.FromMilliseconds(10)),
            Credentials = credentials,
            MaxReplicationLag = monitor.Duration("max_replication_lag", defaults.MaxReplicationLag, TimeSpan.FromMilliseconds(1)),
            LagRecoveryRatio = monitor.Double("lag_recovery_ratio", defaults.LagRecoveryRatio, 0.0, 1.0),
            FailuresToDown = monitor.Int("failures_to_down", defaults.FailuresToDown, 1, 1000),
            SuccessesToOnline = monitor.Int("successes_to_online", defaults.SuccessesToOnline, 1, 1000),
            ShunAfterErrors = monitor.Int("shun_after_errors", defaults.ShunAfterErrors, 1, 1000),
            ShunWindow = monitor.Duration("shun_window", defaults.ShunWindow, TimeSpan.FromMilliseconds(1)),
            Heartbeat = heartbeat,
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9_$]{1,64}\.[A-Za-z0-9_$]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex HeartbeatTablePattern();

    private static void Validate(SwitchyardConfig config, List<ConfigError> errors)
    {
        var primaries = config.Backends.Count(b => b.Role == BackendRole.Primary);
        if (config.Topology.HasSeveralWriters)
        {
            if (primaries == 0 && (config.Backends.Count > 0 || !ReportedMissingBackends(errors)))
                errors.Add(new ConfigError("a multi-primary or galera topology needs at least one backend with role primary (a writer)"));
        }
        else if (primaries != 1 && (config.Backends.Count > 0 || !ReportedMissingBackends(errors)))
            errors.Add(new ConfigError($"exactly one backend must have role primary, found {primaries}" +
                (primaries > 1 ? " (for several writers set topology.kind: multi-primary or galera)" : "")));
        ValidateRegions(config, errors);
        if (config.Pool.MinIdle > config.Pool.MaxConnectionsPerBackend)
            errors.Add(new ConfigError($"pool.min_idle ({config.Pool.MinIdle}) exceeds pool.max_connections_per_backend ({config.Pool.MaxConnectionsPerBackend})"));
        // Port 0 asks the system for a free port each: two of them never collide.
        if (config.MySqlListener == config.HttpListener && config.MySqlListener.Port != 0)
            errors.Add(new ConfigError("listeners.mysql and listeners.http must differ"));
    }

    private static bool ReportedMissingBackends(List<ConfigError> errors) => errors.Any(e => e.Message.StartsWith("'backends' is required", StringComparison.Ordinal));

    private static readonly string[] LogLevels = ["verbose", "debug", "information", "warning", "error"];

    private static ListenEndpoint Endpoint(YamlSection section, string key, ListenEndpoint fallback) =>
        HostPort(section, key, required: false) is { } hp ? new ListenEndpoint(hp.Host, hp.Port) : fallback;

    private static (string Host, int Port)? HostPort(YamlSection section, string key, bool required)
    {
        var text = section.String(key);
        if (text is null)
        {
            if (required)
                section.Error(section.Node, $"'{section.Qualify(key)}' is required (host:port)");
            return null;
        }
        var at = section.Get(key)!;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 0 or > 65535)
        {
            section.Error(at, $"'{section.Qualify(key)}' must be host:port, not '{text}'");
            return null;
        }
        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0 || (Uri.CheckHostName(host) == UriHostNameType.Unknown && !IPAddress.TryParse(host, out _)))
        {
            section.Error(at, $"'{section.Qualify(key)}' has an invalid host '{host}'");
            return null;
        }
        return (host, port);
    }

    /// <summary>A backend's `socket:` (an absolute path to the server's Unix socket), which replaces `address:`.</summary>
    private static string? SocketPath(YamlSection backend)
    {
        var path = backend.String("socket");
        if (path is null)
            return null;
        var at = backend.Get("socket")!;
        if (backend.Get("address") is { } address)
            backend.Error(address, $"'{backend.Qualify("address")}' and '{backend.Qualify("socket")}' exclude each other: a backend is reached over TCP or over its Unix socket");
        else if (!Path.IsPathRooted(path) || path.AsSpan().ContainsAny('\0', '\n'))
            backend.Error(at, $"'{backend.Qualify("socket")}' must be an absolute path to the server's Unix socket, not '{path}'");
        else if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxSocketPathBytes)
            backend.Error(at, $"'{backend.Qualify("socket")}' is longer than the {MaxSocketPathBytes} bytes a Unix socket address can hold");
        else
            return path;
        return null;
    }

    /// <summary>sun_path holds 108 bytes on Linux, including the terminating NUL.</summary>
    private const int MaxSocketPathBytes = 107;

    /// <summary>A plain secret from `password` or from the environment variable named by `password_env`.</summary>
    private static string? Secret(YamlSection section, bool allowHash)
    {
        var plain = section.String("password");
        var env = section.String("password_env");
        var hash = allowHash ? section.String("password_hash") : null;
        var given = (plain is not null ? 1 : 0) + (env is not null ? 1 : 0) + (hash is not null ? 1 : 0);
        if (given > 1)
            section.Error(section.Node, $"'{section.Path}' must have only one of password, password_env{(allowHash ? ", password_hash" : "")}");
        if (env is not null)
        {
            var value = Environment.GetEnvironmentVariable(env);
            if (value is null)
                section.Error(section.Get("password_env")!, $"environment variable '{env}' named by '{section.Qualify("password_env")}' is not set");
            return value;
        }
        return plain;
    }

    private static byte[] SecretHash(YamlSection section)
    {
        if (section.String("password_hash") is { } hash)
        {
            if (section.String("password") is not null || section.String("password_env") is not null)
                section.Error(section.Node, $"'{section.Path}' must have only one of password, password_env, password_hash");
            if (NativePassword.TryParseHash(hash, out var parsed))
                return parsed;
            section.Error(section.Get("password_hash")!, $"'{section.Qualify("password_hash")}' must be '*' followed by 40 hex digits (MySQL's PASSWORD() form)");
            return [];
        }
        var plain = Secret(section, allowHash: true);
        return string.IsNullOrEmpty(plain) ? [] : NativePassword.DoubleSha1(plain);
    }
}
