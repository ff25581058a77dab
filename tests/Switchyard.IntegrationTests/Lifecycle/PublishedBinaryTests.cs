using System.Diagnostics;
using System.Text.RegularExpressions;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Lifecycle;

/// <summary>The single-file executable that scripts/publish.sh produces, run as an operator would: it starts from a
/// YAML file, serves a client, and on SIGTERM lets an open transaction commit before it exits.</summary>
[Collection(ProxyCollection.Name)]
public sealed partial class PublishedBinaryTests
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PublishedBinaryServesAndOnSigtermLetsTheOpenTransactionCommitBeforeExiting()
    {
        var binary = await PublishAsync();
        await using var database = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(database.Name), "CREATE TABLE t (id INT PRIMARY KEY)");
        var directory = Directory.CreateTempSubdirectory("switchyard-published-");
        var configPath = Path.Combine(directory.FullName, "switchyard.yaml");
        await File.WriteAllTextAsync(configPath, $"""
            listeners:
              mysql: 127.0.0.1:0
              http: 127.0.0.1:0
            limits:
              drain_timeout: {DrainTimeout.TotalSeconds}s
            backend_credentials:
              user: switchyard
              password: switchyard
            monitor:
              enabled: false
            users:
              - name: app
                password: app
            backends:
              - name: primary
                address: {Cluster.Host}:{Cluster.PrimaryPort}
                role: primary
            """);

        var version = await RunToEndAsync(binary, "--version");
        Assert.StartsWith("switchyard ", version);

        using var process = Process.Start(new ProcessStartInfo(binary, ["--config", configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = 0;
            await Poll.UntilAsync(() =>
            {
                foreach (var line in output)
                    if (ListeningLine().Match(line) is { Success: true } match)
                        port = int.Parse(match.Groups[1].Value);
                return Task.FromResult(port != 0 || process.HasExited);
            }, TimeSpan.FromSeconds(30), "the binary listens");
            Assert.False(process.HasExited, string.Join('\n', output));

            await using var connection = new MySqlConnection(Cluster.ConnectionString(port, database.Name, "app", "app"));
            await connection.OpenAsync();
            Assert.Equal(1L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT 1")));
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var insert = new MySqlCommand("INSERT INTO t VALUES (1)", connection, transaction))
                await insert.ExecuteNonQueryAsync();

            await RunToEndAsync("kill", "-TERM", process.Id.ToString());
            await Poll.UntilAsync(() => Task.FromResult(output.Any(l => l.Contains("Stopping: no new clients"))), TimeSpan.FromSeconds(10), "the binary starts draining");
            Assert.False(process.HasExited, "the open transaction must be allowed to finish");

            await using (var second = new MySqlCommand("INSERT INTO t VALUES (2)", connection, transaction))
                await second.ExecuteNonQueryAsync();
            await transaction.CommitAsync();

            var stopwatch = Stopwatch.StartNew();
            await process.WaitForExitAsync().WaitAsync(DrainTimeout);
            Assert.Equal(0, process.ExitCode);
            Assert.True(stopwatch.Elapsed < DrainTimeout, $"exited {stopwatch.Elapsed.TotalSeconds:0.0} s after the commit");
            Assert.Equal(2L, Convert.ToInt64(await Sql.ScalarAsync(Cluster.Root(database.Name), "SELECT COUNT(*) FROM t")));
            // A clean stop is nothing an operator should be alerted to.
            Assert.DoesNotContain(output, line => line.Contains("[ERR]", StringComparison.Ordinal) || line.Contains("[FTL]", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Publishes with the project's own script, so the test runs exactly what operators are told to build.</summary>
    private static async Task<string> PublishAsync()
    {
        var output = Path.Combine(Cluster.RepositoryRoot, "artifacts", "test-publish");
        var printed = await RunToEndAsync(Path.Combine(Cluster.RepositoryRoot, "scripts", "publish.sh"), output);
        var binary = Path.Combine(output, "switchyard");
        Assert.True(File.Exists(binary), printed);
        return binary;
    }

    private static async Task<string> RunToEndAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
        return await stdout;
    }

    [GeneratedRegex(@"Listening for MySQL clients on [^\s]*:(\d+)")]
    private static partial Regex ListeningLine();
}
