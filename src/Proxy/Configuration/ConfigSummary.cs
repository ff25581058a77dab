using System.Text;

namespace Switchyard.Proxy.Configuration;

/// <summary>The one-screen description `switchyard --check-config` prints for a valid file. No secrets.</summary>
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
                (backend.MaxReplicationLag is { } lag ? $", max lag {lag.TotalSeconds:0.###} s" : ""));
        text.AppendLine($"  users            {string.Join(", ", config.Users.Select(u => u.Name))}");
        text.AppendLine($"  pool             max {config.Pool.MaxConnectionsPerBackend}/backend, wait {config.Pool.WaitTimeout.TotalMilliseconds:0} ms, idle {config.Pool.IdleTimeout.TotalSeconds:0} s");
        text.AppendLine($"  limits           max packet {config.Limits.MaxPacketSize} bytes, handshake timeout {config.Limits.ClientHandshakeTimeout.TotalSeconds:0.#} s");
        var monitor = config.Monitor;
        text.AppendLine(monitor.Enabled
            ? $"  monitor          every {monitor.Interval.TotalMilliseconds:0} ms, timeout {monitor.CheckTimeout.TotalMilliseconds:0} ms, as {(monitor.Credentials ?? config.BackendCredentials).User}, " +
              $"max lag {monitor.MaxReplicationLag.TotalSeconds:0.###} s, heartbeat {(monitor.Heartbeat.Enabled ? $"every {monitor.Heartbeat.Interval.TotalMilliseconds:0} ms on {monitor.Heartbeat.Table}" : "off")}"
            : "  monitor          off");
        text.Append($"  logging          {config.Logging.Level}, {config.Logging.Format}");
        return text.ToString();
    }
}
