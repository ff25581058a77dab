using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Logging;

namespace Switchyard.Proxy.Configuration;

/// <summary>
/// Triggers <see cref="ConfigReloader"/> when the configuration file changes and on SIGHUP.
/// </summary>
/// <remarks>
/// The whole directory is watched, not the file: an editor's atomic save (write a temporary file, rename it over the
/// original) and a Kubernetes ConfigMap update (a new <c>..data</c> symlink renamed over the old one, while the file
/// itself is a symlink through <c>..data</c>) never modify the watched file in place, and inotify would keep watching
/// the replaced inode. Every event restarts a short quiet period; when it ends the file is read once, and the
/// reloader skips content it has already seen, so one replace (several events) is one reload.
/// </remarks>
internal sealed class ConfigWatcher : IDisposable
{
    /// <summary>Long enough to cover the burst of events of one save or swap, short enough to feel immediate.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(250);

    private readonly ConfigReloader _reloader;
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly FileSystemWatcher _watcher;
    private readonly ITimer _quietPeriod;
    private readonly PosixSignalRegistration? _sighup;
    private int _disposed;

    /// <param name="handleSighup">False in tests: a process-wide signal handler belongs to the real server only.</param>
    public ConfigWatcher(ConfigReloader reloader, ILogger logger, TimeProvider time, TimeSpan? debounce = null, bool handleSighup = true)
    {
        _reloader = reloader;
        _logger = logger;
        _debounce = debounce ?? DefaultDebounce;
        _quietPeriod = time.CreateTimer(_ => Run(ReloadTrigger.FileChanged), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(reloader.Path))!;
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Deleted += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
        _watcher.Error += OnWatcherError;
        _watcher.EnableRaisingEvents = true;
        if (handleSighup)
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Without this the runtime's default for SIGHUP would end the process.
                context.Cancel = true;
                RequestReload(ReloadTrigger.Signal);
            });
        }
        Log.ConfigWatching(_logger, reloader.Path, _debounce.TotalMilliseconds);
    }

    /// <summary>What the SIGHUP handler calls: a reload on a pool thread, so the signal thread never waits on file I/O.</summary>
    public void RequestReload(ReloadTrigger trigger) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Watcher.Run(state.Trigger), (Watcher: this, Trigger: trigger), preferLocal: false);

    private void OnFileEvent(object sender, FileSystemEventArgs e) => RestartQuietPeriod();

    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        // An overflowing event queue loses events: look at the file now rather than miss a change.
        Log.ConfigWatcherFailed(_logger, _reloader.Path, e.GetException().Message);
        RestartQuietPeriod();
    }

    private void RestartQuietPeriod()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        try
        {
            _quietPeriod.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // An event that raced with Dispose: the server is stopping, nothing to reload.
        }
    }

    private void Run(ReloadTrigger trigger)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        try
        {
            _reloader.Reload(trigger);
        }
        catch (Exception e)
        {
            // The reloader handles every expected failure; nothing unexpected may end the process from a timer thread.
            Log.ConfigReloadCrashed(_logger, _reloader.Path, e);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _sighup?.Dispose();
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        _quietPeriod.Dispose();
    }
}
