namespace Switchyard.IntegrationTests.Support;

/// <summary>Pieces of proxy configuration that every test topology shares (private servers and the cluster create the
/// same users), written at column 0 for a YAML file's top level.</summary>
internal static class TestYaml
{
    /// <summary>Both listeners on free ports, and the proxy's own backend login.</summary>
    public const string Header = """
        listeners:
          mysql: 127.0.0.1:0
          http: 127.0.0.1:0
        backend_credentials:
          user: switchyard
          password: switchyard
        """;

    /// <summary>The application user clients log in as.</summary>
    public const string AppUser = """
        users:
          - name: app
            password: app
        """;

    /// <summary>The monitor on, as the monitor user, checking every <paramref name="interval"/>; a check slower than
    /// <paramref name="checkTimeout"/> counts as a hung backend (its connections in use are aborted).</summary>
    public static string Monitor(string interval, string checkTimeout = "1s") => $"""
        monitor:
          enabled: true
          interval: {interval}
          check_timeout: {checkTimeout}
          user: monitor
          password: monitor
        """;
}
