using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Hosting;

/// <summary>A server started from a file publishes each valid version of it: users change for the next login. No
/// database: the only backend is a closed port, which the server tolerates at start-up.</summary>
public sealed class ServerReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-server-reload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task WatchedFile_ReplacedWithANewUser_UserIsKnownAndConfigPublished()
    {
        var path = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(path, Config("app"));
        await using var server = await SwitchyardServer.StartAsync(ConfigLoader.LoadFile(path), NullLoggerFactory.Instance);
        server.WatchConfiguration(path, TimeSpan.FromMilliseconds(50), handleSighup: false);
        Assert.False(server.Context.Users.Exists("report"));

        var temporary = path + ".new";
        File.WriteAllText(temporary, Config("app", "report") + "rules:\n  - match: { user: report }\n    route: primary\n");
        File.Move(temporary, path, overwrite: true);

        // The success is counted after the new configuration was published to every subscriber.
        await Poll.UntilAsync(() => server.ConfigMetrics.Successes >= 1, "the reload");
        Assert.True(server.Context.Users.Exists("report"));
        Assert.Equal(1, server.Config.Generation);
        Assert.Equal(1, server.Config.Current.Rules.Count);
        Assert.True(server.Context.Users.Exists("app"));
    }

    private static string Config(params string[] users) => $"""
        listeners:
          mysql: 127.0.0.1:0
          http: 127.0.0.1:0
        backend_credentials:
          user: switchyard
          password: x
        backend_timeouts:
          connect: 200ms
        monitor:
          enabled: false
        backends:
          - name: primary
            address: 127.0.0.1:1
            role: primary
        users:
        {string.Join("\n", users.Select(u => $"  - name: {u}\n    password: {u}"))}

        """;
}
