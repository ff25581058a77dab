using Switchyard.Protocol.Authentication;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string Minimal = MinimalConfig.Yaml;

    [Fact]
    public void LoadFile_ShippedConfig_LoadsTheLocalTopology()
    {
        var path = Path.Combine(RepositoryRoot(), "config", "switchyard.yaml");

        var config = ConfigLoader.LoadFile(path);

        Assert.Equal(new ListenEndpoint("127.0.0.1", 6033), config.MySqlListener);
        Assert.Equal(new ListenEndpoint("127.0.0.1", 6070), config.HttpListener);
        Assert.Equal(3, config.Backends.Count);
        var primary = Assert.Single(config.Backends, b => b.Role == BackendRole.Primary);
        Assert.Equal("primary", primary.Name);
        Assert.Equal("127.0.0.1:3306", primary.Address);
        Assert.Equal(["127.0.0.1:3307", "127.0.0.1:3308"], config.Backends.Where(b => b.Role == BackendRole.Replica).Select(b => b.Address));
        var user = Assert.Single(config.Users);
        Assert.Equal("app", user.Name);
        Assert.Equal(NativePassword.DoubleSha1("app"), user.PasswordDoubleSha1);
        Assert.Equal(new BackendCredentials("switchyard", "switchyard"), config.BackendCredentials);
        Assert.Equal(64L * 1024 * 1024, config.Limits.MaxPacketSize);
        Assert.Equal(2, config.Pool.MinIdle);
        Assert.Equal(TimeSpan.FromHours(1), config.Pool.MaxAge);
    }

    [Fact]
    public void LoadYaml_MinimalFile_AppliesDefaultsForAbsentSections()
    {
        var config = ConfigLoader.LoadYaml(Minimal, "test");

        Assert.Equal("round-robin", config.Routing.ReadBalancing);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Routing.ReplicaRetryDelay);
        Assert.Equal(64, config.PreparedStatements.MaxPerConnection);
        Assert.Equal(1024, config.PreparedStatements.MaxPerSession);
        Assert.Equal(0, config.Pool.MinIdle);
        Assert.Equal(200, config.Pool.MaxConnectionsPerBackend);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Pool.WaitTimeout);
        Assert.Equal(new ListenEndpoint("127.0.0.1", 6033), config.MySqlListener);
        Assert.Equal(new ListenEndpoint("127.0.0.1", 6070), config.HttpListener);
        Assert.Equal("information", config.Logging.Level);
        Assert.Equal(64L * 1024 * 1024, config.Limits.MaxPacketSize);
        Assert.Equal(TimeSpan.FromSeconds(2), config.BackendTimeouts.Connect);
        Assert.Equal(1, Assert.Single(config.Backends).Weight);
    }

    [Fact]
    public void LoadYaml_ManyProblems_ReportsEveryErrorAtOnceWithLines()
    {
        var missingVariable = "SWITCHYARD_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var yaml = $"""
            colour: blue
            listeners:
              mysql: localhost
            pool:
              max_connections_per_backend: 2
              min_idle: 5
              wait_timeout: 5 seconds
            routing:
              read_balancing: random
            users:
              - name: app
                password: app
                password_hash: "*5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0"
              - name: env
                password_env: {missingVariable}
            backends:
              - name: dup
                address: 127.0.0.1:3306
                role: primary
              - name: dup
                address: 127.0.0.1:3307
                role: primary
            """;

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test.yaml"));

        AssertError(e, "unknown key 'colour'", LineOf(yaml, "colour:"));
        AssertError(e, "'listeners.mysql' must be host:port", LineOf(yaml, "mysql: localhost"));
        AssertError(e, "'pool.wait_timeout' must be a duration", LineOf(yaml, "wait_timeout:"));
        AssertError(e, "'routing.read_balancing' must be one of", LineOf(yaml, "read_balancing:"));
        AssertError(e, "'users[0]' must have only one of password, password_env, password_hash", LineOf(yaml, "- name: app"));
        AssertError(e, $"environment variable '{missingVariable}'", LineOf(yaml, "password_env:"));
        AssertError(e, "backend 'dup' is defined twice", LineOf(yaml, "- name: dup", occurrence: 2));
        AssertError(e, "'backend_credentials' is required", 1);
        // Cross-field rules are checked on the built model, so they carry no position.
        AssertError(e, "exactly one backend must have role primary, found 2", 0);
        AssertError(e, "pool.min_idle (5) exceeds pool.max_connections_per_backend (2)", 0);
        Assert.Equal(10, e.Errors.Count);
        Assert.StartsWith("test.yaml: 10 configuration error(s)", e.Message);
        Assert.Equal(e.Errors.OrderBy(x => x.Line).ThenBy(x => x.Column), e.Errors);
    }

    [Fact]
    public void LoadYaml_MisspelledKey_SuggestsTheKnownKey()
    {
        var yaml = Minimal + "\npool:\n  min_idel: 1\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("unknown key 'pool.min_idel' (did you mean 'min_idle'?)", error.Message);
        Assert.Equal(LineOf(yaml, "min_idel"), error.Line);
        Assert.Equal(3, error.Column);
    }

    [Fact]
    public void LoadYaml_BackendCredentialsPasswordEnvSet_UsesTheVariable()
    {
        var variable = "SWITCHYARD_TEST_PW_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env");
        try
        {
            var yaml = Minimal.Replace("  password: secret", $"  password_env: {variable}");

            var config = ConfigLoader.LoadYaml(yaml, "test");

            Assert.Equal(new BackendCredentials("switchyard", "from-env"), config.BackendCredentials);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void LoadYaml_BackendCredentialsPasswordEnvUnset_ReportsVariableAtItsLine()
    {
        var variable = "SWITCHYARD_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var yaml = Minimal.Replace("  password: secret", $"  password_env: {variable}");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains($"environment variable '{variable}' named by 'backend_credentials.password_env' is not set", error.Message);
        Assert.Equal(LineOf(yaml, "password_env"), error.Line);
    }

    [Fact]
    public void LoadYaml_BackendCredentialsPasswordAndPasswordEnv_ReportsOnlyOne()
    {
        var yaml = Minimal.Replace("  password: secret", "  password: secret\n  password_env: HOME");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'backend_credentials' must have only one of password, password_env", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_PasswordHashStarAnd40Hex_IsTheDoubleSha1()
    {
        const string hash = "*5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0";
        var yaml = Minimal.Replace("    password: app", $"    password_hash: \"{hash}\"");

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal(Convert.FromHexString(hash[1..]), Assert.Single(config.Users).PasswordDoubleSha1);
    }

    [Fact]
    public void LoadYaml_PasswordHashLowercaseHex_IsAccepted()
    {
        var hash = "*" + Convert.ToHexString(NativePassword.DoubleSha1("app")).ToLowerInvariant();
        var yaml = Minimal.Replace("    password: app", $"    password_hash: \"{hash}\"");

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal(NativePassword.DoubleSha1("app"), Assert.Single(config.Users).PasswordDoubleSha1);
    }

    [Theory]
    [InlineData("5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0")] // no star
    [InlineData("*5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A")] // 39 digits
    [InlineData("*5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0F")] // 41 digits
    [InlineData("*ZBCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0")] // not hex
    public void LoadYaml_MalformedPasswordHash_ReportsTheForm(string hash)
    {
        var yaml = Minimal.Replace("    password: app", $"    password_hash: \"{hash}\"");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("'users[0].password_hash' must be '*' followed by 40 hex digits", error.Message);
        Assert.Equal(LineOf(yaml, "password_hash"), error.Line);
    }

    [Fact]
    public void LoadYaml_UserWithoutPassword_HasEmptyHash()
    {
        var yaml = Minimal.Replace("    password: app\n", "");

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Empty(Assert.Single(config.Users).PasswordDoubleSha1);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("7", 7_000)] // a bare number is seconds
    public void LoadYaml_Duration_ParsesTheUnit(string text, int expectedMilliseconds)
    {
        var yaml = Minimal + $"\nlimits:\n  client_read_timeout: {text}\n";

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), config.Limits.ClientReadTimeout);
    }

    [Theory]
    [InlineData("2 seconds")]
    [InlineData("1d")]
    [InlineData("-5s")]
    [InlineData("ms")]
    public void LoadYaml_MalformedDuration_ReportsItAtItsLine(string text)
    {
        var yaml = Minimal + $"\nbackend_timeouts:\n  connect: {text}\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("'backend_timeouts.connect' must be a duration", error.Message);
        Assert.Equal(LineOf(yaml, "connect:"), error.Line);
    }

    [Fact]
    public void LoadYaml_DurationBelowMinimum_ReportsTheFloor()
    {
        var yaml = Minimal + "\nlimits:\n  client_handshake_timeout: 50ms\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'limits.client_handshake_timeout' must be at least 100ms", Assert.Single(e.Errors).Message);
    }

    [Theory]
    [InlineData("64MiB", 64L * 1024 * 1024)]
    [InlineData("512KiB", 512L * 1024)]
    [InlineData("65536", 65536L)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("2mb", 2L * 1024 * 1024)]
    public void LoadYaml_Size_ParsesTheSuffix(string text, long expected)
    {
        var yaml = Minimal + $"\nlimits:\n  max_packet_size: {text}\n";

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal(expected, config.Limits.MaxPacketSize);
    }

    [Theory]
    [InlineData("64 apples")]
    [InlineData("1.5MiB")]
    [InlineData("512")] // below the 1024-byte floor
    public void LoadYaml_BadSize_ReportsIt(string text)
    {
        var yaml = Minimal + $"\nlimits:\n  max_packet_size: {text}\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("'limits.max_packet_size' must", error.Message);
        Assert.Equal(LineOf(yaml, "max_packet_size"), error.Line);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData(":3306")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:port")]
    [InlineData("bad_host!:3306")]
    public void LoadYaml_BadBackendAddress_ReportsItAtItsLine(string address)
    {
        var yaml = Minimal.Replace("127.0.0.1:3306", $"\"{address}\"");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("'backends[0].address'", error.Message);
        Assert.Equal(LineOf(yaml, "address:"), error.Line);
    }

    [Theory]
    [InlineData("db.internal:3306", "db.internal", 3306)]
    [InlineData("[::1]:3307", "::1", 3307)]
    [InlineData("10.0.0.5:13306", "10.0.0.5", 13306)]
    public void LoadYaml_BackendAddress_SplitsHostAndPort(string address, string host, int port)
    {
        var yaml = Minimal.Replace("127.0.0.1:3306", $"\"{address}\"");

        var backend = Assert.Single(ConfigLoader.LoadYaml(yaml, "test").Backends);

        Assert.Equal(host, backend.Host);
        Assert.Equal(port, backend.Port);
    }

    [Fact]
    public void LoadYaml_BackendSocket_ReplacesTheAddress()
    {
        var yaml = Minimal.Replace("address: 127.0.0.1:3306", "socket: /run/mysqld/mysqld.sock");

        var backend = Assert.Single(ConfigLoader.LoadYaml(yaml, "test").Backends);

        Assert.Equal("/run/mysqld/mysqld.sock", backend.Socket);
        Assert.Equal("/run/mysqld/mysqld.sock", backend.Address);
    }

    [Fact]
    public void LoadYaml_BackendWithAddressAndSocket_ReportsThatTheyExcludeEachOther()
    {
        var yaml = Minimal.Replace("address: 127.0.0.1:3306", "address: 127.0.0.1:3306\n    socket: /run/mysqld/mysqld.sock");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("'backends[0].address' and 'backends[0].socket' exclude each other", error.Message);
        Assert.Equal(LineOf(yaml, "address:"), error.Line);
    }

    [Fact]
    public void LoadYaml_BackendWithoutAddressOrSocket_AsksForOne()
    {
        var yaml = Minimal.Replace("    address: 127.0.0.1:3306\n", "");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'backends[0].address' (host:port) or 'backends[0].socket' (the server's Unix socket) is required", Assert.Single(e.Errors).Message);
    }

    [Theory]
    [InlineData("mysqld.sock")]
    [InlineData("./run/mysqld.sock")]
    public void LoadYaml_RelativeBackendSocket_IsRejected(string path)
    {
        var yaml = Minimal.Replace("address: 127.0.0.1:3306", $"socket: \"{path}\"");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains($"'backends[0].socket' must be an absolute path to the server's Unix socket, not '{path}'", error.Message);
        Assert.Equal(LineOf(yaml, "socket:"), error.Line);
    }

    [Fact]
    public void LoadYaml_BackendSocketLongerThanAUnixAddress_IsRejected()
    {
        var path = "/" + new string('s', 107);
        var yaml = Minimal.Replace("address: 127.0.0.1:3306", $"socket: {path}");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'backends[0].socket' is longer than the 107 bytes", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_DuplicateBackendSocket_ReportsItAtTheSecond()
    {
        var yaml = Minimal.Replace("address: 127.0.0.1:3306", "socket: /run/a.sock") + "\n  - name: other\n    socket: /run/a.sock\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("backend socket /run/a.sock is used twice", error.Message);
        Assert.Equal(LineOf(yaml, "socket: /run/a.sock", occurrence: 2), error.Line);
    }

    [Fact]
    public void LoadYaml_TwoPrimaries_ReportsTheCountAndPointsAtMultiPrimary()
    {
        var yaml = Minimal + "\n  - name: second\n    address: 127.0.0.1:3307\n    role: primary\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Equal("exactly one backend must have role primary, found 2 (for several writers set topology.kind: multi-primary or galera)", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_NoPrimary_ReportsTheCount()
    {
        var yaml = Minimal.Replace("role: primary", "role: replica");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Equal("exactly one backend must have role primary, found 0", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_DuplicateBackendAddress_ReportsItAtTheSecond()
    {
        var yaml = Minimal + "\n  - name: other\n    address: 127.0.0.1:3306\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("backend address 127.0.0.1:3306 is used twice", error.Message);
        Assert.Equal(LineOf(yaml, "address: 127.0.0.1:3306", occurrence: 2), error.Line);
    }

    [Fact]
    public void LoadYaml_UnknownRole_ReportsIt()
    {
        var yaml = Minimal.Replace("role: primary", "role: leader");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains(e.Errors, x => x.Message.Contains("'backends[0].role' must be primary or replica, not 'leader'") && x.Line == LineOf(yaml, "role:"));
    }

    [Theory]
    [InlineData("round-robin")]
    [InlineData("weighted")]
    [InlineData("least-connections")]
    public void LoadYaml_KnownReadBalancing_IsKept(string policy)
    {
        var yaml = Minimal + $"\nrouting:\n  read_balancing: {policy}\n";

        Assert.Equal(policy, ConfigLoader.LoadYaml(yaml, "test").Routing.ReadBalancing);
    }

    [Fact]
    public void LoadYaml_PipelinedLanes_AreOffByDefaultAndReadWhenGiven()
    {
        var defaults = ConfigLoader.LoadYaml(Minimal, "test").Routing;
        var yaml = Minimal + "\nrouting:\n  pipelined_lanes: 2\n  pipeline_max_depth: 8\n  pipeline_stall_timeout: 750ms\n";

        var routing = ConfigLoader.LoadYaml(yaml, "test").Routing;

        Assert.Equal((0, 32, TimeSpan.FromSeconds(2)), (defaults.PipelinedLanes, defaults.PipelineMaxDepth, defaults.PipelineStallTimeout));
        Assert.Equal((2, 8, TimeSpan.FromMilliseconds(750)), (routing.PipelinedLanes, routing.PipelineMaxDepth, routing.PipelineStallTimeout));
    }

    [Theory]
    [InlineData("pipelined_lanes: -1", "pipelined_lanes")]
    [InlineData("pipelined_lanes: 65", "pipelined_lanes")]
    [InlineData("pipeline_max_depth: 0", "pipeline_max_depth")]
    [InlineData("pipeline_stall_timeout: 1ms", "pipeline_stall_timeout")]
    public void LoadYaml_PipeliningOutOfRange_IsAnErrorOnItsLine(string setting, string key)
    {
        var yaml = Minimal + $"\nrouting:\n  {setting}\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains(e.Errors, x => x.Message.Contains($"'routing.{key}'") && x.Line == LineOf(yaml, key + ":"));
    }

    [Fact]
    public void LoadYaml_MinIdleEqualToMax_IsAccepted()
    {
        var yaml = Minimal + "\npool:\n  max_connections_per_backend: 3\n  min_idle: 3\n";

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal(3, config.Pool.MinIdle);
    }

    [Fact]
    public void LoadYaml_BothListenersOnPortZero_AreAllowed()
    {
        var yaml = Minimal + "\nlisteners:\n  mysql: 127.0.0.1:0\n  http: 127.0.0.1:0\n";

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal(0, config.HttpListener.Port);
    }

    [Fact]
    public void LoadYaml_DrainTimeout_IsRead()
    {
        var yaml = Minimal + "\nlimits:\n  drain_timeout: 7s\n";

        Assert.Equal(TimeSpan.FromSeconds(7), ConfigLoader.LoadYaml(yaml, "test").Limits.DrainTimeout);
    }

    [Fact]
    public void LoadYaml_SameListenerTwice_ReportsIt()
    {
        var yaml = Minimal + "\nlisteners:\n  mysql: 127.0.0.1:7000\n  http: 127.0.0.1:7000\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Equal("listeners.mysql and listeners.http must differ", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_MissingRequiredSections_ReportsEach()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml("server_version: x\n", "test"));

        Assert.Contains(e.Errors, x => x.Message.StartsWith("'backend_credentials' is required"));
        Assert.Contains(e.Errors, x => x.Message.StartsWith("'users' is required"));
        Assert.Contains(e.Errors, x => x.Message.StartsWith("'backends' is required"));
        Assert.Equal(3, e.Errors.Count);
    }

    [Fact]
    public void LoadYaml_SyntaxError_ReportsItsPosition()
    {
        var yaml = "users:\n  - name: [unclosed\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.StartsWith("YAML syntax:", error.Message);
        Assert.True(error.Line >= 2, $"line {error.Line}");
    }

    [Fact]
    public void LoadYaml_TopLevelList_IsRejected()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml("- a\n- b\n", "test"));

        Assert.Contains("must be a YAML mapping", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_SectionGivenAsScalar_ReportsMustBeMapping()
    {
        var yaml = Minimal + "\npool: big\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Equal("'pool' must be a mapping", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_DuplicateUser_ReportsIt()
    {
        var yaml = Minimal.Replace("users:\n", "users:\n  - name: app\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("user 'app' is defined twice", Assert.Single(e.Errors).Message);
    }

    private static void AssertError(ConfigException e, string fragment, int line)
    {
        var matches = e.Errors.Where(x => x.Message.Contains(fragment, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one error containing \"{fragment}\", got:\n{e.Message}");
        Assert.Equal(line, matches[0].Line);
    }

    /// <summary>The 1-based line of the <paramref name="occurrence"/>-th line containing <paramref name="text"/>.</summary>
    private static int LineOf(string yaml, string text, int occurrence = 1)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(text, StringComparison.Ordinal) && --occurrence == 0)
                return i + 1;
        }
        throw new InvalidOperationException($"'{text}' not in the test YAML");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Switchyard.sln not found above " + AppContext.BaseDirectory);
    }
}
