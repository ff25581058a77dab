using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Metrics;

namespace Switchyard.Proxy.Configuration;

/// <summary>
/// One reload: read the file, parse and validate it (every error, with line and column), build the new immutable
/// configuration and publish it through <see cref="LiveConfig"/> in one swap. A file that cannot be read or is
/// invalid changes nothing: its errors are logged, the failure is counted, and the running configuration stays.
/// Reloads are serialised, so a file event and a SIGHUP arriving together cannot interleave.
/// </summary>
internal sealed class ConfigReloader
{
    private readonly LiveConfig _live;
    private readonly ConfigMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private byte[]? _lastContentHash;
    private int _attempts;
    private int _begun;
    /// <summary>What listeners, pools, backends and the monitor were built from: the restart-only parts of every
    /// reload are compared with this, not with the last reload, which never applied them.</summary>
    private readonly SwitchyardConfig _started;

    public ConfigReloader(string path, LiveConfig live, ConfigMetrics metrics, ILogger logger, TimeProvider time)
    {
        Path = path;
        _live = live;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _started = live.Current;
        // The running configuration was loaded from this file just before: a file event that leaves the content as it
        // is (a touch, an editor saving without changes) is then no reload.
        _lastContentHash = TryHash(path);
    }

    public string Path { get; }

    /// <summary>Reload attempts finished, whatever their outcome: lets a caller wait until the events it caused were
    /// handled without sleeping.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Reload attempts begun; equal to <see cref="Attempts"/> while none is running.</summary>
    public int Started => Volatile.Read(ref _begun);

    public ReloadOutcome Reload(ReloadTrigger trigger)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _begun);
            try
            {
                return ReloadLocked(trigger);
            }
            finally
            {
                Interlocked.Increment(ref _attempts);
            }
        }
    }

    private ReloadOutcome ReloadLocked(ReloadTrigger trigger)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file missing in the middle of a replace is caught by the next event; count and log it anyway, as
            // an operator who deleted or broke the file should hear of it.
            _lastContentHash = null;
            return Reject(trigger, [new ConfigError($"cannot read the file: {e.Message}")]);
        }

        var hash = SHA256.HashData(content);
        if (trigger == ReloadTrigger.FileChanged && _lastContentHash is { } last && last.AsSpan().SequenceEqual(hash))
        {
            Log.ConfigUnchanged(_logger, Path);
            return ReloadOutcome.Unchanged;
        }
        _lastContentHash = hash;

        SwitchyardConfig next;
        try
        {
            next = ConfigLoader.LoadYaml(Encoding.UTF8.GetString(content), Path);
        }
        catch (ConfigException e)
        {
            return Reject(trigger, e.Errors);
        }

        var running = _live.Current;
        next.Rules.ContinueCountsFrom(running.Rules);
        foreach (var failure in _live.Publish(next))
            Log.ConfigSubscriberFailed(_logger, Path, failure);
        _metrics.ReloadSucceeded(_time.GetUtcNow());
        Log.ConfigReloaded(_logger, Path, trigger, next.Users.Count, next.Rules.Count);
        foreach (var section in ConfigDiff.RestartOnlyChanges(_started, next))
            Log.ConfigNeedsRestart(_logger, Path, section);
        return ReloadOutcome.Applied;
    }

    private ReloadOutcome Reject(ReloadTrigger trigger, IReadOnlyList<ConfigError> errors)
    {
        _metrics.ReloadFailed();
        Log.ConfigReloadRejected(_logger, Path, trigger, errors.Count);
        foreach (var error in errors)
            Log.ConfigError(_logger, Path, error.ToString());
        return ReloadOutcome.Rejected;
    }

    private static byte[]? TryHash(string path)
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
