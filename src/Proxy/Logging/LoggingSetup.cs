using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Logging;

/// <summary>Serilog as the provider behind ILogger: console, text or one JSON object per line.</summary>
internal static class LoggingSetup
{
    public static ILoggerFactory Create(LoggingConfig config)
    {
        var level = config.Level switch
        {
            "verbose" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            _ => LogEventLevel.Information,
        };
        var configuration = new LoggerConfiguration().MinimumLevel.Is(level).Enrich.FromLogContext();
        // Console writes happen on a background thread: sessions run on the socket engine's thread
        // (see SocketEngineTuning) and must never block on a slow terminal or pipe.
        configuration = configuration.WriteTo.Async(sink =>
        {
            if (config.Format == "json")
                sink.Console(new CompactJsonFormatter());
            else
                sink.Console(outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        });
        var serilog = configuration.CreateLogger();
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddSerilog(serilog, dispose: true));
    }
}
