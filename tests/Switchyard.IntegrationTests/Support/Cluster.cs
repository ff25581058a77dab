namespace Switchyard.IntegrationTests.Support;

/// <summary>Where the shared test cluster listens: the servers of scripts/cluster.sh (ports overridable by the environment,
/// so that CI can run several clusters side by side), or with SWITCHYARD_TEST_BACKENDS=containers three containers on
/// ports chosen when they start (<see cref="ClusterBackends"/>).</summary>
internal static class Cluster
{
    public const string Host = "127.0.0.1";

    public static int PrimaryPort => ClusterBackends.Endpoints.PrimaryPort;
    public static int Replica1Port => ClusterBackends.Endpoints.Replica1Port;
    public static int Replica2Port => ClusterBackends.Endpoints.Replica2Port;

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
