using System.Text;

namespace Switchyard.Proxy.Configuration;

/// <summary>The one-screen description `switchyard --check-config` prints for a valid file. No secrets: users are
/// counted and named, never their passwords or hashes.</summary>
public static class ConfigSummary
{
    public static string Describe(SwitchyardConfig config, string source)
    {
        var text = new StringBuilder();
        text.AppendLine($"{source}: OK");
        text.AppendLine($"  MySQL listener   {config.MySqlListener}");
        text.AppendLine($"  HTTP listener    {config.HttpListener}");
        text.AppendLine($"  backend user     {config.BackendCredentials.User}");
        text.AppendLine($"  backends         {config.Backends.Count}");
        foreach (var backend in config.Backends)
            text.AppendLine($"    {backend.Name,-16} {backend.Address,-22} {backend.Role.ToString().ToLowerInvariant(),-8} weight {backend.Weight}" +
                (backend.MaxReplicationLag is { } lag ? $", max lag {lag.TotalSeconds:0.###} s" : "") +
                (backend.Region is { } region ? $", region {region}" : "") +
                (backend.Groups.Count > 0 ? $", groups {string.Join(", ", backend.Groups)}" : ""));
        text.AppendLine($"  users            {config.Users.Count}: {string.Join(", ", config.Users.Select(u => u.Name))}");
        text.AppendLine($"  pool             max {config.Pool.MaxConnectionsPerBackend}/backend, wait {config.Pool.WaitTimeout.TotalMilliseconds:0} ms, idle {config.Pool.IdleTimeout.TotalSeconds:0} s");
        text.AppendLine($"  limits           max packet {config.Limits.MaxPacketSize} bytes, handshake timeout {config.Limits.ClientHandshakeTimeout.TotalSeconds:0.#} s");
        var monitor = config.Monitor;
        text.AppendLine(monitor.Enabled
            ? $"  monitor          every {monitor.Interval.TotalMilliseconds:0} ms, timeout {monitor.CheckTimeout.TotalMilliseconds:0} ms, as {(monitor.Credentials ?? config.BackendCredentials).User}, " +
              $"max lag {monitor.MaxReplicationLag.TotalSeconds:0.###} s, heartbeat {(monitor.Heartbeat.Enabled ? $"every {monitor.Heartbeat.Interval.TotalMilliseconds:0} ms on {monitor.Heartbeat.Table}" : "off")}"
            : "  monitor          off");
        text.AppendLine($"  rules            {(config.Rules.Count == 0 ? "none" : config.Rules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        var position = 0;
        foreach (var rule in config.Rules.Rules)
            text.AppendLine($"    {++position,2}. {rule.Name}: {rule.Describe()}");
        text.Append($"  logging          {config.Logging.Level}, {config.Logging.Format}");
        return text.ToString();
    }
}
