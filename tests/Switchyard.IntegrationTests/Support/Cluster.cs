namespace Switchyard.IntegrationTests.Support;

/// <summary>Where the shared test cluster (scripts/cluster.sh) listens. Ports can be overridden by the
/// environment, so that CI can run several clusters side by side.</summary>
internal static class Cluster
{
    public const string Host = "127.0.0.1";

    public static int PrimaryPort { get; } = Port("SWITCHYARD_PRIMARY_PORT", 3306);
    public static int Replica1Port { get; } = Port("SWITCHYARD_REPLICA1_PORT", 3307);
    public static int Replica2Port { get; } = Port("SWITCHYARD_REPLICA2_PORT", 3308);

    /// <summary>The repository root: SWITCHYARD_ROOT, else the folder above the test assembly holding Switchyard.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The datadir made by mariadb-install-db that private instances are copied from.</summary>
    public static string TemplateDataDir => Path.Combine(RepositoryRoot, ".cluster", "template");

    /// <summary>A connection string straight to the primary, bypassing the proxy.</summary>
    public static string Direct(string? database = null, string user = "app", string password = "app", string extra = "") =>
        ConnectionString(PrimaryPort, database, user, password, extra);

    public static string Root(string? database = null) => Direct(database, "root", "");

    public static string ConnectionString(int port, string? database, string user, string password, string extra = "") =>
        $"Server={Host};Port={port};User ID={user};Password={password};" +
        (database is null ? "" : $"Database={database};") +
        "Pooling=false;SslMode=None;AllowPublicKeyRetrieval=false;Connection Timeout=10;Default Command Timeout=60;" + extra;

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("SWITCHYARD_ROOT") is { Length: > 0 } root)
            return root;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Switchyard.sln not found above {AppContext.BaseDirectory}; set SWITCHYARD_ROOT");
    }
}
