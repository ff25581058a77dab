using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Http;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Metrics;
using Switchyard.Proxy.Sessions;
using Switchyard.Proxy.Transport;
using Switchyard.Proxy.Transport.Epoll;

namespace Switchyard.Proxy.Hosting;

/// <summary>The running proxy: accepts MySQL clients and runs a <see cref="ClientSession"/> for each.</summary>
public sealed class SwitchyardServer : IAsyncDisposable
{
    private readonly ProxyContext _context;
    private readonly Socket _listener;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _acceptStopping = new();
    private int _stopRequested;
    private readonly ConcurrentDictionary<uint, (ClientSession Session, Task Run)> _sessions = new();
    private Task? _acceptLoop;
    private StatusHttpServer? _http;
    private readonly ConfigMetrics _configMetrics;
    private ConfigWatcher? _configWatcher;

    private SwitchyardServer(ProxyContext context, Socket listener, ILogger logger)
    {
        _context = context;
        _listener = listener;
        _logger = logger;
        _configMetrics = new ConfigMetrics(context.Metrics.Registry, () => context.Live.Current.Rules);
        _configMetrics.Loaded(TimeProvider.System.GetUtcNow());
        // Users take effect for the next authentication; rules are read from Config.Current per statement; replicas
        // are added to and removed from rotation.
        context.Live.Changed += next => context.Users.Replace(next.Users);
        BackendReconfiguration = new BackendReconfiguration(context, logger);
        context.Live.Changed += BackendReconfiguration.Apply;
    }

    /// <summary>The configuration in force; a reload publishes a new one here (see <see cref="LiveConfig.Changed"/>).</summary>
    public LiveConfig Config => _context.Live;

    /// <summary>Applies reloaded replicas; its drains are awaited by tests.</summary>
    internal BackendReconfiguration BackendReconfiguration { get; }

    /// <summary>Reload counters, for tests.</summary>
    internal ConfigMetrics ConfigMetrics => _configMetrics;

    /// <summary>The file watcher (and SIGHUP handler) once <see cref="WatchConfiguration"/> ran.</summary>
    internal ConfigWatcher? ConfigWatcher => _configWatcher;

    /// <summary>Reloads <paramref name="path"/> when it changes and on SIGHUP, publishing each valid version through
    /// <see cref="Config"/>. Users, rules and replicas apply without a restart; other changed sections (the primary
    /// among them) are logged as needing one.</summary>
    public void WatchConfiguration(string path, TimeSpan? debounce = null, bool handleSighup = true)
    {
        if (_configWatcher is not null)
            throw new InvalidOperationException("the configuration is already watched");
        var reloader = new ConfigReloader(path, _context.Live, _configMetrics, _logger, TimeProvider.System);
        _configWatcher = new ConfigWatcher(reloader, _logger, TimeProvider.System, debounce, handleSighup);
    }

    /// <summary>Where clients connect (the real port when the configuration asked for port 0).</summary>
    public IPEndPoint MySqlEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public int ActiveSessions => _sessions.Count;

    /// <summary>Where /metrics, /healthz, /status and / are served (the real port when the configuration asked for port 0).</summary>
    internal IPEndPoint? HttpEndPoint => _http?.EndPoint;

    /// <summary>Backends and their pools, for tests that count the connections the proxy opened.</summary>
    internal ProxyContext Context => _context;

    public static async Task<SwitchyardServer> StartAsync(SwitchyardConfig config, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        var logger = loggerFactory.CreateLogger("Switchyard");
        var context = new ProxyContext(config, loggerFactory);
        var address = await ResolveAsync(config.MySqlListener.Host, cancellationToken).ConfigureAwait(false);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(address, config.MySqlListener.Port));
            listener.Listen(1024);
        }
        catch
        {
            listener.Dispose();
            await context.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var server = new SwitchyardServer(context, listener, logger);
        Log.Listening(logger, server.MySqlEndPoint.ToString());
        EpollLoop.Failed ??= e => Log.SocketLoopContinuationFailed(logger, e);
        try
        {
            var httpAddress = await ResolveAsync(config.HttpListener.Host, cancellationToken).ConfigureAwait(false);
            server._http = StatusHttpServer.Start(context, new IPEndPoint(httpAddress, config.HttpListener.Port), () => server.ActiveSessions, logger);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            await context.DisposeAsync().ConfigureAwait(false);
            throw new ListenFailedException("HTTP", config.HttpListener, e);
        }
        catch
        {
            listener.Dispose();
            await context.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await server.WarmUpAsync(cancellationToken).ConfigureAwait(false);
        if (context.Monitor is { } monitor)
        {
            // One round of checks before the first client (each bounded by monitor.check_timeout): replicas get
            // reads from the first statement on, and only healthy ones.
            await monitor.CheckNowAsync(cancellationToken).ConfigureAwait(false);
            monitor.Start();
        }
        context.Conflicts?.Start();
        server._acceptLoop = Task.Run(server.AcceptLoopAsync, CancellationToken.None);
        return server;
    }

    /// <summary>One connection to the primary at start-up learns its version string and capabilities, so the
    /// first client already sees the real server. A primary that is down is not fatal: clients get an error
    /// naming it until it is back.</summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var profile = Backends.ConnectionProfile.For(Backends.ConnectionProfile.Mask, 45);
            var connection = await _context.PrimaryPool.LeaseAsync(profile, cancellationToken).ConfigureAwait(false);
            _context.PrimaryPool.Return(connection, dirty: false);
        }
        catch (Exception e) when (e is Backends.BackendUnavailableException or Backends.PoolExhaustedException)
        {
            // Logged by the connector; clients will be told when they connect.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_acceptStopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_acceptStopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException) when (_acceptStopping.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                Log.AcceptFailed(_logger, e);
                continue;
            }
            var session = new ClientSession(_context, new PacketChannel(socket));
            _sessions[session.Id] = (session, RunSessionAsync(session));
        }
    }

    private async Task RunSessionAsync(ClientSession session)
    {
        await Task.Yield();
        try
        {
            await session.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
            _sessions.TryRemove(session.Id, out _);
        }
    }

    /// <summary>Stops at once: every session is closed, whatever it is doing.</summary>
    public Task StopAsync() => StopAsync(TimeSpan.Zero, CancellationToken.None);

    /// <summary>
    /// Stops gracefully: no new clients; idle sessions close at once, a running statement finishes and an open
    /// transaction may go on until it ends; after <paramref name="drainTimeout"/>, or when <paramref name="force"/>
    /// fires, the rest are closed. /healthz keeps answering meanwhile.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout, CancellationToken force)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
            return;
        _configWatcher?.Dispose();
        // Cancelled before the listener closes, so that the accept the close ends is known as the stop and not logged
        // as a failure.
        _acceptStopping.Cancel();
        _listener.Dispose();
        if (_acceptLoop is not null)
            await _acceptLoop.ConfigureAwait(false);
        if (drainTimeout > TimeSpan.Zero && !_sessions.IsEmpty)
            await DrainAsync(drainTimeout, force).ConfigureAwait(false);
        _stopping.Cancel();
        if (_http is not null)
            await _http.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_sessions.Values.Select(s => s.Run)).ConfigureAwait(false);
        await _context.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger);
    }

    private async Task DrainAsync(TimeSpan drainTimeout, CancellationToken force)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Log.Draining(_logger, _sessions.Count, drainTimeout.TotalSeconds);
        foreach (var (session, _) in _sessions.Values)
            session.BeginDrain();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(force);
        deadline.CancelAfter(drainTimeout);
        var all = Task.WhenAll(_sessions.Values.Select(s => s.Run));
        try
        {
            await all.WaitAsync(deadline.Token).ConfigureAwait(false);
            Log.Drained(_logger, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException)
        {
            Log.DrainCut(_logger, _sessions.Count, force.IsCancellationRequested ? "stop forced" : $"drain timeout of {drainTimeout.TotalSeconds:0.#} s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _acceptStopping.Dispose();
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
            return address;
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.First();
    }
}
