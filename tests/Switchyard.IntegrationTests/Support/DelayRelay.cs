using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// Distance without netem (the kernel here lacks it): a TCP relay on loopback that holds every chunk for a fixed
/// delay in each direction before passing it on. Chunks queue with their due time, so the delay adds latency
/// without limiting throughput. <see cref="Cut"/> drops every connection and refuses new ones (a region gone),
/// <see cref="Restore"/> accepts again; <see cref="DropConnection"/> closes one connection.
/// </summary>
internal sealed class DelayRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<(TcpClient Client, TcpClient Upstream)> _pairs = [];
    private readonly Task _accepting;
    private volatile bool _cut;

    public DelayRelay(int targetPort, TimeSpan toTarget, TimeSpan fromTarget)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        ToTarget = toTarget;
        FromTarget = fromTarget;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public TimeSpan ToTarget { get; }
    public TimeSpan FromTarget { get; }

    /// <summary>Closes every relayed connection and resets new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_lock)
        {
            foreach (var (client, upstream) in _pairs)
            {
                client.Client.Close(0);
                upstream.Dispose();
            }
            _pairs.Clear();
        }
    }

    public void Restore() => _cut = false;

    /// <summary>Closes the one relayed connection whose side towards the target has local port
    /// <paramref name="upstreamPort"/> (the port the target's processlist shows as the client's); false when none has.</summary>
    public bool DropConnection(int upstreamPort)
    {
        lock (_lock)
        {
            var index = _pairs.FindIndex(p => ((IPEndPoint)p.Upstream.Client.LocalEndPoint!).Port == upstreamPort);
            if (index < 0)
                return false;
            var (client, upstream) = _pairs[index];
            client.Client.Close(0);
            upstream.Dispose();
            _pairs.RemoveAt(index);
            return true;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var upstream = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        try
        {
            if (_cut)
                throw new SocketException((int)SocketError.ConnectionRefused);
            await upstream.ConnectAsync(_target, _stopping.Token);
            lock (_lock)
                _pairs.Add((client, upstream));
            var a = PumpAsync(client.GetStream(), upstream.GetStream(), ToTarget);
            var b = PumpAsync(upstream.GetStream(), client.GetStream(), FromTarget);
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer or the relay went away: close both ends below.
        }
        finally
        {
            lock (_lock)
                _pairs.RemoveAll(p => p.Client == client);
            client.Client.Close(0);
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to, TimeSpan delay)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Data, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writing = WriteDueAsync(chunks.Reader, to);
        try
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                    break;
                chunks.Writer.TryWrite((buffer[..read], Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency)));
            }
        }
        finally
        {
            chunks.Writer.TryComplete();
            await writing;
        }
    }

    private async Task WriteDueAsync(ChannelReader<(byte[] Data, long Due)> chunks, Stream to)
    {
        try
        {
            await foreach (var (data, due) in chunks.ReadAllAsync(_stopping.Token))
            {
                // Timers may fire a fraction of a millisecond early: wait again until the due time has really passed.
                TimeSpan wait;
                while ((wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due)) > TimeSpan.Zero)
                    await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, _stopping.Token);
                await to.WriteAsync(data, _stopping.Token);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        Cut();
        await _accepting;
        _stopping.Dispose();
    }
}
