using System.Threading.Tasks.Sources;

namespace Switchyard.Proxy.Transport.Epoll;

/// <summary>
/// One direction (readable or writable) of an <see cref="EpollSocket"/>. The loop thread <see cref="Signal"/>s an
/// edge; the socket's single reader (or writer) waits for one (<see cref="TryArm"/>, <see cref="Wait"/>) after the
/// kernel said EAGAIN (or after a short read, which drained the socket). An edge that comes while nobody waits is
/// remembered, so none is lost between a recv and the wait that follows it. The waiter's continuation runs on the
/// thread that completes it (the loop, or whoever cancels): no hand-off to the thread pool, as with .NET's inline
/// socket completions.
/// </summary>
internal sealed class ReadinessSignal : IValueTaskSource<bool>
{
    private const int Idle = 0, Signaled = 1, Armed = 2;

    private int _state;
    private ManualResetValueTaskSourceCore<bool> _core;

    /// <summary>True when an edge came since the last <see cref="Consume"/>.</summary>
    public bool IsSignaled => Volatile.Read(ref _state) == Signaled;

    /// <summary>Forgets an edge already seen: the caller is about to try the operation itself. Called before every
    /// recv and send, so the atomic exchange is paid only when there is an edge to forget.</summary>
    public void Consume()
    {
        if (Volatile.Read(ref _state) == Signaled)
            Interlocked.CompareExchange(ref _state, Idle, Signaled);
    }

    /// <summary>The loop saw an edge: wakes the waiter, or remembers it for the next wait.</summary>
    public void Signal()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Armed when Interlocked.CompareExchange(ref _state, Idle, Armed) == Armed:
                    _core.SetResult(true);
                    return;
                case Idle when Interlocked.CompareExchange(ref _state, Signaled, Idle) == Idle:
                case Signaled:
                    return;
            }
        }
    }

    /// <summary>Ends a wait in progress with false (cancellation, or the socket closing); nothing when none is.</summary>
    public void Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Armed) == Armed)
            _core.SetResult(false);
    }

    /// <summary>Prepares to wait for the next edge. False when one came since the last <see cref="Consume"/> (try the
    /// operation again at once); true when armed: await <see cref="Wait"/>, which is true after an edge and false when
    /// <see cref="Cancel"/> ended it. The caller registers any cancellation token itself, after arming (a token
    /// canceled in between runs the callback at once, which ends the wait).</summary>
    public bool TryArm()
    {
        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Armed, Idle) == Idle)
            return true;
        Volatile.Write(ref _state, Idle);
        return false;
    }

    public ValueTask<bool> Wait => new(this, _core.Version);

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
