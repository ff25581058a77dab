namespace Switchyard.Protocol.Handshake;

/// <summary>What a greeting's server version string says about the server family.</summary>
public static class ServerVersionText
{
    /// <summary>True for MariaDB, whose version always names it ("10.11.6-MariaDB-log", or "5.5.5-10.11.6-MariaDB…"
    /// as sent to old clients); anything else is taken for MySQL (or a MySQL fork such as Percona Server), whose GTIDs,
    /// session tracking and position variables differ.</summary>
    public static bool IsMariaDb(string? serverVersion) =>
        serverVersion is not null && serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
}
