using System.Diagnostics;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Compatibility;

/// <summary>
/// Some of the server's own mysqltest files (package mariadb-test), recorded directly against the primary and
/// replayed through the proxy, text and prepared protocol (scripts/mysqltest-compat.sh does both): the proxy
/// must not change a single byte of what a client sees. The proxy here has only the primary, because these
/// files read their own writes at once and read/write splitting is not what they test.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class MysqltestReplayTests
{
    [Fact]
    public async Task ServerTestFilesGiveTheSameResultsThroughTheProxyAsDirectly()
    {
        await using var server = await ProxyFixture.StartProxyAsync();
        var script = Path.Combine(Cluster.RepositoryRoot, "scripts", "mysqltest-compat.sh");
        var start = new ProcessStartInfo("bash", [script, server.MySqlEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "app"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SWITCHYARD_COMPAT_PASSWORD"] = "app";
        start.Environment["SWITCHYARD_PRIMARY_PORT"] = Cluster.PrimaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        var text = await output + await errors;
        Assert.True(process.ExitCode == 0, text);
        Assert.Matches(@"mysqltest-compat: (\d+) of \1 runs matched", text);
        Assert.DoesNotContain("FAIL", text);
    }
}
