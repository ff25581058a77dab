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
        configuration = config.Format == "json"
            ? configuration.WriteTo.Console(new CompactJsonFormatter())
            : configuration.WriteTo.Console(outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        var serilog = configuration.CreateLogger();
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddSerilog(serilog, dispose: true));
    }
}
