using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Logging;

namespace Switchyard.Proxy.Http;

/// <summary>
/// A minimal HTTP/1.1 responder for /metrics, /healthz, /status, / and /writer (the one POST: move writes to
/// another writer): one request per connection, answered and closed. A raw socket rather than HttpListener (which cannot bind port 0) or ASP.NET (a framework for four
/// read-only pages). Requests are small and few (a scraper, a person), so each is read whole with a size and
/// time limit and never competes with MySQL traffic for more than that.
/// </summary>
internal sealed class StatusHttpServer : IAsyncDisposable
{
    private const int MaxRequestHead = 8 * 1024;
    private const int MaxConcurrentRequests = 16;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly ProxyContext _context;
    private readonly Func<int> _sessions;
    private readonly ILogger _logger;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _slots = new(MaxConcurrentRequests);
    private Task? _acceptLoop;

    private StatusHttpServer(ProxyContext context, Socket listener, Func<int> sessions, ILogger logger)
    {
        _context = context;
        _listener = listener;
        _sessions = sessions;
        _logger = logger;
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Binds <paramref name="address"/> (a bind failure throws, like the MySQL listener's) and starts accepting.</summary>
    public static StatusHttpServer Start(ProxyContext context, IPEndPoint address, Func<int> sessions, ILogger logger)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(address);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var server = new StatusHttpServer(context, listener, sessions, logger);
        Log.HttpListening(logger, server.EndPoint.ToString());
        server._acceptLoop = Task.Run(server.AcceptLoopAsync, CancellationToken.None);
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        var inFlight = new HashSet<Task>();
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                _slots.Release();
                continue;
            }
            var task = ServeAsync(socket);
            lock (inFlight)
                inFlight.Add(task);
            _ = task.ContinueWith(t => { lock (inFlight) inFlight.Remove(t); }, TaskScheduler.Default);
        }
        Task[] remaining;
        lock (inFlight)
            remaining = [.. inFlight];
        await Task.WhenAll(remaining).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket socket)
    {
        await Task.Yield();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using (socket)
            {
                socket.NoDelay = true;
                var (method, path, query) = await ReadRequestLineAsync(socket, timeout.Token).ConfigureAwait(false);
                if (method is null)
                    return;
                var response = await RespondAsync(method, path!, query, timeout.Token).ConfigureAwait(false);
                await SendAsync(socket, response, headOnly: method == "HEAD", timeout.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // A slow or vanished HTTP client (or shutdown): nothing to answer.
        }
        catch (Exception e)
        {
            Log.HttpRequestFailed(_logger, e);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Reads the request head (up to the blank line) and returns its method and path; (null, null) when
    /// the client sent nothing usable — it is then answered 400 if it sent anything at all.</summary>
    private static async Task<(string? Method, string? Path, string? Query)> ReadRequestLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestHead);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == MaxRequestHead)
                {
                    await SendAsync(socket, Response.Text(431, "Request Header Fields Too Large", "request head too large\n"), false, cancellationToken).ConfigureAwait(false);
                    return (null, null, null);
                }
                var read = await socket.ReceiveAsync(buffer.AsMemory(length, MaxRequestHead - length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    return (null, null, null);
                length += read;
                if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
                    break;
            }
            var head = buffer.AsSpan(0, length);
            var lineEnd = head.IndexOf((byte)'\n');
            var line = Encoding.ASCII.GetString(head[..lineEnd]).TrimEnd('\r');
            var parts = line.Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !parts[1].StartsWith('/'))
            {
                await SendAsync(socket, Response.Text(400, "Bad Request", "bad request\n"), false, cancellationToken).ConfigureAwait(false);
                return (null, null, null);
            }
            var path = parts[1];
            var query = path.IndexOf('?');
            return (parts[0], query >= 0 ? path[..query] : path, query >= 0 ? path[(query + 1)..] : null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Response> RespondAsync(string method, string path, string? query, CancellationToken cancellationToken)
    {
        if (path == "/writer")
            return Writer(method, query);
        if (path.StartsWith("/conflicts", StringComparison.Ordinal))
        {
            var (status, reason, type, body) = await ConflictRoutes.RespondAsync(_context.Conflicts, method, path, query).ConfigureAwait(false);
            return new Response(status, reason, type, body);
        }
        if (method is not ("GET" or "HEAD"))
            return Response.Text(405, "Method Not Allowed", "only GET and HEAD\n", "Allow: GET, HEAD\r\n");
        switch (path)
        {
            case "/metrics":
            {
                using var body = new MemoryStream();
                await _context.Metrics.Registry.CollectAndExportAsTextAsync(body, cancellationToken).ConfigureAwait(false);
                return new Response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", body.ToArray());
            }
            case "/healthz":
            {
                var availability = ServiceAvailability.Of(_context);
                return availability.Writes
                    ? new Response(200, "OK", "application/json", StatusDocument.HealthJson(availability, ServiceAvailability.WhyNoWrites(_context)))
                    : new Response(503, "Service Unavailable", "application/json", StatusDocument.HealthJson(availability, ServiceAvailability.WhyNoWrites(_context)));
            }
            case "/digests":
            {
                if (_context.Digests is not { } digests)
                    return Response.Text(404, "Not Found", "digests are off (digests.enabled: false)\n");
                var (top, order) = Digests.DigestDocument.ParseQuery(query);
                return new Response(200, "OK", "application/json", Digests.DigestDocument.Json(digests, top, order));
            }
            case "/status":
                return new Response(200, "OK", "application/json", StatusDocument.StatusJson(_context, _sessions()));
            case "/":
                return new Response(200, "OK", "text/html; charset=utf-8", StatusDocument.Html(_context, _sessions()));
            default:
                return Response.Text(404, "Not Found", "not found\n");
        }
    }

    /// <summary>GET /writer: the active writer. POST /writer?name=X: move writes to writer X (a planned switchover, or
    /// the way back in manual failback mode); 409 when X cannot take writes, 404 when there is no such writer.</summary>
    private Response Writer(string method, string? query)
    {
        var writers = _context.Writers;
        if (method is "GET" or "HEAD")
            return new Response(200, "OK", "application/json", StatusDocument.WriterJson(_context));
        if (method != "POST")
            return Response.Text(405, "Method Not Allowed", "GET or POST /writer?name=<writer>\n", "Allow: GET, HEAD, POST\r\n");
        if (!writers.HasSeveralWriters)
            return Response.Text(409, "Conflict", "a primary-replica topology has one writer: set topology.kind to multi-primary or galera to move writes\n");
        var name = QueryValue(query, "name");
        if (string.IsNullOrEmpty(name))
            return Response.Text(400, "Bad Request", "POST /writer?name=<writer>\n");
        var from = writers.Active?.Endpoint.Name ?? "none";
        if (!writers.TrySwitchTo(name, out var error))
        {
            Log.WriterSwitchRefused(_logger, name, error);
            return Response.Text(writers.Writers.Any(w => w.Endpoint.Name == name) ? 409 : 404, writers.Writers.Any(w => w.Endpoint.Name == name) ? "Conflict" : "Not Found", error + "\n");
        }
        Log.WriterSwitchRequested(_logger, name, from);
        return new Response(200, "OK", "application/json", StatusDocument.WriterJson(_context));
    }

    private static string? QueryValue(string? query, string key)
    {
        if (query is null)
            return null;
        foreach (var pair in query.Split('&'))
        {
            var equals = pair.IndexOf('=');
            var name = equals >= 0 ? pair[..equals] : pair;
            if (name == key)
                return Uri.UnescapeDataString((equals >= 0 ? pair[(equals + 1)..] : "").Replace('+', ' '));
        }
        return null;
    }

    private static async Task SendAsync(Socket socket, Response response, bool headOnly, CancellationToken cancellationToken)
    {
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {response.Status} {response.ReasonPhrase}\r\n" +
            $"Content-Type: {response.ContentType}\r\n" +
            $"Content-Length: {response.Body.Length}\r\n" +
            "Cache-Control: no-store\r\n" +
            "Connection: close\r\n" +
            response.ExtraHeaders +
            "\r\n");
        await socket.SendAsync(head, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (!headOnly && response.Body.Length > 0)
            await socket.SendAsync(response.Body, SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        _stopping.Cancel();
        _listener.Dispose();
        if (_acceptLoop is not null)
            await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
        _slots.Dispose();
    }

    private sealed record Response(int Status, string ReasonPhrase, string ContentType, byte[] Body, string ExtraHeaders = "")
    {
        public static Response Text(int status, string reasonPhrase, string text, string extraHeaders = "") =>
            new(status, reasonPhrase, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text), extraHeaders);
    }
}
