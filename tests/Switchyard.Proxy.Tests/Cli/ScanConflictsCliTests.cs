using Switchyard.Proxy.Tests.Support;
namespace Switchyard.Proxy.Tests.Cli;

/// <summary>`switchyard --scan-conflicts --config FILE [--repair]` through the real entry point, without servers: what it
/// says and how it exits when it cannot compare. Console output is process-wide, hence the collection.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ScanConflictsCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-scan-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Config(string conflicts)
    {
        var path = Path.Combine(_directory, "scan.yaml");
        // Ports 1 and 2 on loopback: nothing listens, connections are refused at once.
        File.WriteAllText(path, $"""
            backend_credentials:
              user: switchyard
              password: switchyard
            topology:
              kind: multi-primary
            users:
              - name: app
                password: app
            backends:
              - name: writer1
                address: 127.0.0.1:1
                role: primary
              - name: writer2
                address: 127.0.0.1:2
                role: primary
            {conflicts}
            """);
        return path;
    }

    [Fact]
    public async Task ScanConflicts_NodesUnreachable_ReportsIncompleteAndExitsFour()
    {
        var path = Config("conflicts: { scan_interval: off, tables: [{ name: shop.t, key: id }] }");

        var (exit, output, _) = await RunAsync("--scan-conflicts", "--config", path, "--repair");

        Assert.Equal(4, exit);
        Assert.Contains("scan INCOMPLETE: node writer1 is unreachable", output);
        Assert.Contains("node writer2 is unreachable", output);
    }

    [Fact]
    public async Task ScanConflicts_NoConflictsSection_ExitsTwo()
    {
        var (exit, output, _) = await RunAsync("--scan-conflicts", "--config", Config(""));

        Assert.Equal(2, exit);
        Assert.Contains("no conflicts: section", output);
    }

    [Fact]
    public async Task ScanConflicts_InvalidConflictsSection_PrintsTheErrorsAndExitsOne()
    {
        var (exit, _, errors) = await RunAsync("--scan-conflicts", "--config", Config("conflicts: { tables: [{ name: shop.t, strategy: newest }] }"));

        Assert.Equal(1, exit);
        Assert.Contains("table 'shop.t' has no key", errors);
        Assert.Contains("'conflicts.tables[0].strategy' must be one of last-write-wins, vector-clock, merge, report-only, not 'newest'", errors);
    }

    [Fact]
    public async Task ScanConflicts_UnknownTrailingArgument_IsAUsageError()
    {
        var (exit, _, errors) = await RunAsync("--scan-conflicts", "--config", Config(""), "--fix");

        Assert.Equal(2, exit);
        Assert.Contains("unknown arguments", errors);
    }

    private static Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args) => ProgramRun.RunAsync(args);
}
