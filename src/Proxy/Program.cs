using System.Reflection;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Logging;

namespace Switchyard.Proxy;

public static class Program
{
    private const string Usage = """
        switchyard — a SQL-aware proxy for MySQL and MariaDB

        Usage:
          switchyard --config FILE          run the proxy with this configuration (reloaded when FILE changes or on SIGHUP)
          switchyard --check-config FILE    validate FILE, list every problem, exit non-zero if any
          switchyard --scan-conflicts --config FILE [--repair]
                                            compare the conflicts: tables across the nodes once and print the report;
                                            --repair applies each table's resolution; exit 0 clean, 3 conflicts remain,
                                            4 the scan was incomplete (a node unreachable or gone, a table not comparable)
          switchyard --version              print the version
          switchyard --probe URL            exit 0 if URL (e.g. http://127.0.0.1:6070/healthz) answers 200
          switchyard --help                 this text

        Clients connect to the MySQL listener (default 127.0.0.1:6033) as users from the configuration.
        """;

    public static async Task<int> Main(string[] args)
    {
        SocketEngineTuning.Apply();
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "--version")
        {
            Console.WriteLine($"switchyard {Version}");
            return 0;
        }
        if (args.Length == 2 && args[0] == "--probe")
            return await HealthProbe.RunAsync(args[1]).ConfigureAwait(false);
        if (args.Length is 3 or 4 && args[0] == "--scan-conflicts" && args[1] == "--config" && (args.Length == 3 || args[3] == "--repair"))
            return await Conflicts.ConflictCli.MainAsync(args[2], repair: args.Length == 4).ConfigureAwait(false);
        if (args.Length != 2 || args[0] is not ("--config" or "--check-config"))
        {
            Console.Error.WriteLine($"switchyard: unknown arguments '{string.Join(' ', args)}'");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        SwitchyardConfig config;
        try
        {
            config = ConfigLoader.LoadFile(args[1]);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        if (args[0] == "--check-config")
        {
            Console.WriteLine(ConfigSummary.Describe(config, args[1]));
            // Column types of conflicts tables can only be checked against the live schema, where it answers.
            return await Conflicts.ConflictCli.CheckSchemaAsync(config, Console.Out, CancellationToken.None).ConfigureAwait(false) > 0 ? 1 : 0;
        }
        return await RunAsync(config, args[1]).ConfigureAwait(false);
    }

    private static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static async Task<int> RunAsync(SwitchyardConfig config, string configPath)
    {
        using var loggerFactory = LoggingSetup.Create(config.Logging);
        using var stop = new CancellationTokenSource();
        using var force = new CancellationTokenSource();
        // The first Ctrl-C or SIGTERM drains; a second one stops at once.
        void OnSignal()
        {
            if (stop.IsCancellationRequested)
                force.Cancel();
            else
                stop.Cancel();
        }
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            OnSignal();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            OnSignal();
        });

        SwitchyardServer server;
        try
        {
            server = await SwitchyardServer.StartAsync(config, loggerFactory, stop.Token).ConfigureAwait(false);
        }
        catch (ListenFailedException e)
        {
            Console.Error.WriteLine($"switchyard: {e.Message}");
            return 1;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            Console.Error.WriteLine($"switchyard: cannot listen on {config.MySqlListener}: {e.Message}");
            return 1;
        }
        // Edits of the file and SIGHUP reload it; an invalid version is logged and the running configuration kept.
        server.WatchConfiguration(configPath);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM.
        }
        await server.StopAsync(config.Limits.DrainTimeout, force.Token).ConfigureAwait(false);
        await server.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
