using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Switchyard.Proxy.Transport.Epoll.LinuxSocketCalls;

namespace Switchyard.Proxy.Transport.Epoll;

/// <summary>
/// A connected (or connecting) socket served by an <see cref="EpollLoop"/> instead of .NET's socket engine: recv and
/// send are called directly on the non-blocking descriptor, and only an EAGAIN waits, for the loop's next edge.
/// After a read shorter than its buffer the socket is known to be empty, so the next read waits for the edge without
/// asking the kernel first. One reader and one writer at a time, as with the pipes above it. The descriptor is used
/// under the socket's SafeHandle reference count, so a concurrent close never lets a call reach a reused descriptor.
/// .NET's own async operations must never be used on the socket: they would register it with the engine too.
/// </summary>
internal sealed class EpollSocket : IDisposable
{
    private const string EngineVariable = "SWITCHYARD_SOCKET_ENGINE";

    private readonly Socket _socket;
    private readonly SafeSocketHandle _handle;
    private readonly EpollLoop _loop;
    private readonly ReadinessSignal _readable = new();
    private readonly ReadinessSignal _writable = new();
    /// <summary>The last recv returned less than asked (or EAGAIN): nothing more until the next edge.</summary>
    private bool _drained;
    /// <summary>An edge said the peer closed (or the connection failed). A short read does not drain that: the end of
    /// the stream (or the error) is still to be read, and no further edge will announce it.</summary>
    private volatile bool _hangup;
    private int _disposed;

    /// <summary>Whether the data path uses the proxy's loop: on Linux unless SWITCHYARD_SOCKET_ENGINE=dotnet asks for
    /// .NET's socket engine (for comparison, or as a way out should the loop misbehave somewhere).</summary>
    public static bool IsEnabled { get; } = OperatingSystem.IsLinux()
        && !string.Equals(Environment.GetEnvironmentVariable(EngineVariable), "dotnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Puts <paramref name="socket"/> on a loop: a connected one at once, a new one when
    /// <see cref="ConnectAsync"/> has started connecting it (an unconnected TCP socket polls as hung up, and that
    /// edge must not be taken for the peer closing).</summary>
    public EpollSocket(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = false;
        _handle = socket.SafeHandle;
        _loop = EpollLoop.Next();
        if (socket.Connected)
            _loop.Register(this, (int)_handle.DangerousGetHandle());
    }

    /// <summary>The loop's key for this socket (slot and generation); 0 until it is registered.</summary>
    public ulong Key { get; internal set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Called by the loop with the events of one edge.</summary>
    internal void OnEvents(uint events)
    {
        if ((events & (EpollRdHup | EpollHup | EpollErr)) != 0)
            _hangup = true;
        if ((events & (EpollIn | EpollRdHup | EpollHup | EpollErr)) != 0)
            _readable.Signal();
        if ((events & (EpollOut | EpollHup | EpollErr)) != 0)
            _writable.Signal();
    }

    /// <summary>Receives what is there, up to the buffer's size (0: the peer closed). False when nothing is (then
    /// <see cref="WaitReadableAsync"/>), with <paramref name="error"/> set when the connection failed. After a short
    /// read the socket was empty, so the kernel is not asked again until the next edge: <paramref name="afterWait"/>
    /// says that a wait just ended with one.</summary>
    public bool TryReceive(Span<byte> buffer, bool afterWait, out int received, out SocketException? error)
    {
        if (afterWait || !_drained || _hangup || _readable.IsSignaled)
            return Receive(buffer, out received, out error);
        received = 0;
        error = null;
        return false;
    }

    /// <summary>Waits until the socket is readable: true then, false when <see cref="CancelRead"/> or <see cref="Dispose"/>
    /// ended the wait. <paramref name="isCanceled"/> (given <paramref name="state"/>) is asked once the wait is armed,
    /// so that a cancellation requested just before is not missed: the canceller sets what it answers, then calls
    /// CancelRead.</summary>
    public ValueTask<bool> WaitReadableAsync(Func<object, bool> isCanceled, object state)
    {
        if (!_readable.TryArm())
            return new(true);
        if (IsDisposed || isCanceled(state))
            _readable.Cancel();
        return _readable.Wait;
    }

    /// <summary>Ends a <see cref="WaitReadableAsync"/> in progress with false.</summary>
    public void CancelRead() => _readable.Cancel();

    private bool Receive(Span<byte> buffer, out int received, out SocketException? error)
    {
        _readable.Consume();
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            while (true)
            {
                var n = recv((int)_handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(buffer), buffer.Length, 0);
                if (n >= 0)
                {
                    received = (int)n;
                    _drained = n < buffer.Length;
                    error = null;
                    return true;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                    continue;
                received = 0;
                _drained = true;
                error = errno == EAgain ? null : Error(errno);
                return false;
            }
        }
        catch (ObjectDisposedException)
        {
            received = 0;
            error = new SocketException((int)SocketError.OperationAborted);
            return false;
        }
        finally
        {
            if (added)
                _handle.DangerousRelease();
        }
    }

    /// <summary>Sends as much of <paramref name="buffer"/> as the kernel takes now; false with no error when it took
    /// less than all (the rest waits for <see cref="SendAsync"/>).</summary>
    public bool TrySend(ReadOnlySpan<byte> buffer, out int sent, out SocketException? error)
    {
        _writable.Consume();
        sent = 0;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            while (sent < buffer.Length)
            {
                var rest = buffer[sent..];
                var n = send((int)_handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(rest), rest.Length, MsgNoSignal);
                if (n >= 0)
                {
                    sent += (int)n;
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                    continue;
                error = errno == EAgain ? null : Error(errno);
                return false;
            }
            error = null;
            return true;
        }
        catch (ObjectDisposedException)
        {
            error = new SocketException((int)SocketError.OperationAborted);
            return false;
        }
        finally
        {
            if (added)
                _handle.DangerousRelease();
        }
    }

    /// <summary>Sends all of <paramref name="buffer"/>, waiting for room as long as the peer does not read.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        CancellationTokenRegistration registration = default;
        try
        {
            while (true)
            {
                if (TrySend(buffer.Span, out var sent, out var error))
                    return;
                if (error is not null)
                    throw error;
                buffer = buffer[sent..];
                if (!await WaitForEdgeAsync(_writable, cancellationToken, ref registration).ConfigureAwait(false))
                    ThrowEndedWait(cancellationToken);
            }
        }
        finally
        {
            registration.Unregister();
        }
    }

    /// <summary>Connects without .NET's engine: a non-blocking connect, then the loop's writable edge.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        try
        {
            _socket.Connect(endPoint);
            _loop.Register(this, (int)_handle.DangerousGetHandle());
            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress or SocketError.AlreadyInProgress)
        {
            // In progress: its outcome comes with the socket becoming writable.
        }
        _loop.Register(this, (int)_handle.DangerousGetHandle());
        CancellationTokenRegistration registration = default;
        try
        {
            while (!_socket.Poll(0, SelectMode.SelectWrite) && !_socket.Poll(0, SelectMode.SelectError))
            {
                if (!await WaitForEdgeAsync(_writable, cancellationToken, ref registration).ConfigureAwait(false))
                    ThrowEndedWait(cancellationToken);
            }
        }
        finally
        {
            registration.Unregister();
        }
        if (_socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error) is int code and not 0)
            throw new SocketException(code);
    }

    /// <summary>Waits for the next edge of <paramref name="signal"/>: true at once when one came since the last try,
    /// false when the token or <see cref="Dispose"/> ended the wait. The token is registered once per operation (in
    /// <paramref name="registration"/>, which the caller unregisters), after arming: a token canceled in between runs
    /// the callback at once, which ends the wait. A wait armed after Dispose, which nobody would end any more (the
    /// socket left the loop), ends at once too.</summary>
    private ValueTask<bool> WaitForEdgeAsync(ReadinessSignal signal, CancellationToken cancellationToken, ref CancellationTokenRegistration registration)
    {
        if (!signal.TryArm())
            return new(true);
        if (IsDisposed)
            signal.Cancel();
        if (cancellationToken.CanBeCanceled && registration == default)
            registration = cancellationToken.UnsafeRegister(static state => ((ReadinessSignal)state!).Cancel(), signal);
        return signal.Wait;
    }

    private void ThrowEndedWait(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Only the token and Dispose end a wait: this is Dispose.
        throw new SocketException((int)SocketError.OperationAborted);
    }

    private void Unregister()
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            _loop.Unregister(this, (int)_handle.DangerousGetHandle());
        }
        catch (ObjectDisposedException)
        {
            // Closed already: the kernel took it out of the epoll set with its last descriptor; the slot is still ours.
            _loop.Unregister(this, -1);
        }
        finally
        {
            if (added)
                _handle.DangerousRelease();
        }
    }

    /// <summary>Leaves the loop (call before the descriptor is closed); a read or write waiting ends with
    /// OperationAborted, as a disposed socket's would on .NET's engine.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // A socket never registered (a connect that failed at once) has nothing to take out of the set.
        if (Key != 0)
            Unregister();
        _readable.Cancel();
        _writable.Cancel();
    }
}
