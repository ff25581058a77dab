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
    private readonly List<FileSystemWatcher> _watchers = [];
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
        foreach (var directory in DirectoriesToWatch(reloader.Path))
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            watcher.Error += OnWatcherError;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
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

    /// <summary>The file's directory, and, when the file is a symlink to a file elsewhere (/etc/switchyard.yaml pointing
    /// into a checkout), that file's directory too. A target below the file's own directory (the ConfigMap's
    /// timestamped directory, replaced on every update) is covered by the first.</summary>
    internal static IReadOnlyList<string> DirectoriesToWatch(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        var directories = new List<string> { directory };
        try
        {
            if (File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target
                && System.IO.Path.GetDirectoryName(target.FullName) is { } targetDirectory
                && !targetDirectory.StartsWith(directory + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && targetDirectory != directory)
                directories.Add(targetDirectory);
        }
        catch (IOException)
        {
            // A dangling or looping link: the file's own directory is still watched and the reload reports the error.
        }
        return directories;
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
        foreach (var watcher in _watchers)
        {
            watcher.EnableRaisingEvents = false;
            watcher.Dispose();
        }
        _quietPeriod.Dispose();
    }
}
