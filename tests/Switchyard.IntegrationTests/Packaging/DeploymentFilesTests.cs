using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using MySqlConnector;
using Switchyard.IntegrationTests.Monitoring;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Packaging;

/// <summary>The files operators deploy with: the compose stack parses, and the Grafana dashboard only queries metrics
/// the proxy really exports.</summary>
[Collection(ProxyCollection.Name)]
public sealed partial class DeploymentFilesTests
{
    [Fact]
    public async Task DockerComposeConfigAcceptsTheComposeFile()
    {
        var compose = Path.Combine(Cluster.RepositoryRoot, "docker-compose.yml");
        using var process = Process.Start(new ProcessStartInfo("docker-compose", ["-f", compose, "config", "--quiet"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Cluster.RepositoryRoot,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(process.ExitCode == 0, await stderr);
    }

    [Fact]
    public async Task EveryMetricTheDashboardQueriesIsExported()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Cluster.RepositoryRoot, "deploy", "grafana", "switchyard-dashboard.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .Select(name => HistogramSeries().Replace(name, ""))
            .ToHashSet();
        Assert.True(queried.Count >= 15, $"the dashboard queries only {queried.Count} metrics");

        await using var server = await MonitorSupport.StartAsync(more: c => c with
        {
            Backends = [.. c.Backends.Select(b => b.Name == "replica1" ? b with { Groups = ["reporting"] } : b)],
        });
        await using (var connection = new MySqlConnection(Cluster.ConnectionString(server.MySqlEndPoint.Port, null, "app", "app")))
        {
            await connection.OpenAsync();
            await Sql.ScalarAsync(connection, "SELECT 1");
        }
        var exported = TypeLine().Matches(await MetricsScrape.GetAsync(server, "/metrics")).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Empty(queried.Except(exported));
    }

    [GeneratedRegex(@"\bswitchyard_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
