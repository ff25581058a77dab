using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class MonitorConfigTests
{
    private const string Required = """
        backend_credentials:
          user: switchyard
          password: secret
        users:
          - name: app
            password: app
        """;

    private static string File(string monitor, string backendExtra = "") => $"""
        {Required}
        backends:
          - name: primary
            address: 127.0.0.1:3306
            role: primary
          - name: replica1
            address: 127.0.0.1:3307
        {backendExtra}
        {monitor}
        """;

    [Fact]
    public void LoadYaml_NoMonitorSection_UsesTheDocumentedDefaults()
    {
        var config = ConfigLoader.LoadYaml(File(""), "test");

        var monitor = config.Monitor;
        Assert.True(monitor.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(500), monitor.Interval);
        Assert.Equal(TimeSpan.FromSeconds(1), monitor.CheckTimeout);
        Assert.Null(monitor.Credentials);
        Assert.Equal(TimeSpan.FromSeconds(5), monitor.MaxReplicationLag);
        Assert.Equal(0.8, monitor.LagRecoveryRatio);
        Assert.Equal(1, monitor.FailuresToDown);
        Assert.Equal(2, monitor.SuccessesToOnline);
        Assert.Equal(3, monitor.ShunAfterErrors);
        Assert.Equal(TimeSpan.FromSeconds(10), monitor.ShunWindow);
        Assert.False(monitor.Heartbeat.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(100), monitor.Heartbeat.Interval);
        Assert.Equal("switchyard_heartbeat.heartbeat", monitor.Heartbeat.Table);
        Assert.All(config.Backends, b => Assert.Null(b.MaxReplicationLag));
    }

    [Fact]
    public void LoadYaml_FullMonitorSection_ReadsEveryKey()
    {
        var yaml = File("""
            monitor:
              enabled: false
              interval: 250ms
              check_timeout: 2s
              user: monitor
              password: monitor
              max_replication_lag: 3s
              lag_recovery_ratio: 0.5
              failures_to_down: 3
              successes_to_online: 4
              shun_after_errors: 5
              shun_window: 30s
              heartbeat:
                enabled: true
                interval: 50ms
                table: hb.beat
            """, "    max_replication_lag: 10s");

        var config = ConfigLoader.LoadYaml(yaml, "test");

        var monitor = config.Monitor;
        Assert.False(monitor.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(250), monitor.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), monitor.CheckTimeout);
        Assert.Equal(new BackendCredentials("monitor", "monitor"), monitor.Credentials);
        Assert.Equal(TimeSpan.FromSeconds(3), monitor.MaxReplicationLag);
        Assert.Equal(0.5, monitor.LagRecoveryRatio);
        Assert.Equal(3, monitor.FailuresToDown);
        Assert.Equal(4, monitor.SuccessesToOnline);
        Assert.Equal(5, monitor.ShunAfterErrors);
        Assert.Equal(TimeSpan.FromSeconds(30), monitor.ShunWindow);
        Assert.True(monitor.Heartbeat.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(50), monitor.Heartbeat.Interval);
        Assert.Equal("hb.beat", monitor.Heartbeat.Table);
        Assert.Equal(TimeSpan.FromSeconds(10), config.Backends.Single(b => b.Name == "replica1").MaxReplicationLag);
    }

    [Fact]
    public void LoadYaml_MonitorPasswordFromEnvironment_IsRead()
    {
        var variable = "SWITCHYARD_TEST_MONITOR_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env");
        try
        {
            var config = ConfigLoader.LoadYaml(File($"""
                monitor:
                  user: monitor
                  password_env: {variable}
                """), "test");

            Assert.Equal(new BackendCredentials("monitor", "from-env"), config.Monitor.Credentials);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void LoadYaml_BadMonitorValues_ReportsEveryErrorAtOnce()
    {
        var yaml = File("""
            monitor:
              enabled: maybe
              interval: soon
              lag_recovery_ratio: 1.5
              failures_to_down: 0
              shun_after_errors: 0
              shun_window: never
              password: orphan
              colour: blue
              heartbeat:
                table: "no-dot; DROP TABLE x"
            """);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var messages = string.Join("\n", e.Errors.Select(x => x.Message));
        Assert.Contains("'monitor.enabled' must be true or false", messages);
        Assert.Contains("'monitor.interval' must be a duration", messages);
        Assert.Contains("'monitor.lag_recovery_ratio' must be between 0 and 1", messages);
        Assert.Contains("'monitor.failures_to_down' must be between 1", messages);
        Assert.Contains("'monitor.shun_after_errors' must be between 1", messages);
        Assert.Contains("'monitor.shun_window' must be a duration", messages);
        Assert.Contains("'monitor.user' is required", messages);
        Assert.Contains("unknown key 'monitor.colour'", messages);
        Assert.Contains("'monitor.heartbeat.table' must be database.table", messages);
        Assert.DoesNotContain("orphan", messages);
    }

    [Fact]
    public void LoadYaml_BadBackendLagLimit_IsReportedWithItsPath()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(File("", "    max_replication_lag: lots"), "test"));

        Assert.Contains(e.Errors, x => x.Message.Contains("'backends[1].max_replication_lag' must be a duration"));
    }

    [Fact]
    public void LoadFile_ShippedConfig_MonitorsAsTheMonitorUser()
    {
        var config = ConfigLoader.LoadFile(Path.Combine(RepositoryRoot(), "config", "switchyard.yaml"));

        Assert.True(config.Monitor.Enabled);
        Assert.Equal(new BackendCredentials("monitor", "monitor"), config.Monitor.Credentials);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Monitor.MaxReplicationLag);
        Assert.False(config.Monitor.Heartbeat.Enabled);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Switchyard.sln not found");
    }
}
