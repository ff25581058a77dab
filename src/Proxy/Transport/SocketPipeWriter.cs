using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Switchyard.Proxy.Transport.Epoll;

namespace Switchyard.Proxy.Transport;

/// <summary>
/// A <see cref="PipeWriter"/> that collects bytes in one contiguous buffer and sends them straight on the socket when
/// flushed; a send the kernel takes at once (the usual case) completes without an async state machine. The
/// counterpart of <see cref="SocketPipeReader"/>. The buffer is returned to the pool after each complete flush, so
/// an idle connection holds none. With an <see cref="EpollSocket"/> it sends through the proxy's own loop.
/// </summary>
internal sealed class SocketPipeWriter(Socket socket, int bufferSize, EpollSocket? epoll = null) : PipeWriter
{
    private byte[]? _buffer;
    private int _length;
    private bool _completed;

    public override bool CanGetUnflushedBytes => true;
    public override long UnflushedBytes => _length;

    public override Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).AsSpan(_length);

    public override Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint).AsMemory(_length);

    public override void Advance(int bytes)
    {
        if (bytes < 0 || _buffer is null || _length + bytes > _buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(bytes), "advanced past the memory this writer handed out");
        _length += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_length == 0)
            return new(default(FlushResult));
        if (epoll is not null)
            return FlushOnLoop(cancellationToken);
        ValueTask<int> send;
        try
        {
            send = socket.SendAsync(_buffer.AsMemory(0, _length), SocketFlags.None, cancellationToken);
        }
        catch (SocketException e)
        {
            throw WriteFailed(e);
        }
        if (!send.IsCompletedSuccessfully)
            return FlushPendingAsync(0, send, cancellationToken);
        // Result is read once: a ValueTask may not be consumed twice.
        var sent = send.Result;
        if (sent < _length)
            return FlushPendingAsync(sent, null, cancellationToken);
        ReleaseBuffer();
        return new(default(FlushResult));
    }

    private ValueTask<FlushResult> FlushOnLoop(CancellationToken cancellationToken)
    {
        if (epoll!.TrySend(_buffer.AsSpan(0, _length), out var sent, out var error))
        {
            ReleaseBuffer();
            return new(default(FlushResult));
        }
        if (error is not null)
            throw WriteFailed(error);
        return FlushRestOnLoopAsync(sent, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> FlushRestOnLoopAsync(int sent, CancellationToken cancellationToken)
    {
        try
        {
            await epoll!.SendAsync(_buffer.AsMemory(sent, _length - sent), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw WriteFailed(e);
        }
        ReleaseBuffer();
        return default;
    }

    public override void CancelPendingFlush()
    {
        // Flushes are sends: a pending one ends with the connection or its cancellation token.
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
            return;
        _completed = true;
        ReleaseBuffer();
    }

    /// <summary>Sends what is still buffered, then completes (as a stream-based writer does).</summary>
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_completed)
            return;
        try
        {
            if (exception is null && _length > 0)
                await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            Complete(exception);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> FlushPendingAsync(int sent, ValueTask<int>? pending, CancellationToken cancellationToken)
    {
        try
        {
            if (pending is { } first)
                sent += await first.ConfigureAwait(false);
            while (sent < _length)
                sent += await socket.SendAsync(_buffer.AsMemory(sent, _length - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw WriteFailed(e);
        }
        ReleaseBuffer();
        return default;
    }

    private static IOException WriteFailed(SocketException e) => new($"Unable to write data to the transport connection: {e.Message}.", e);

    /// <summary>The buffer, with at least <paramref name="sizeHint"/> (at least one) bytes free after what is written.</summary>
    private byte[] Room(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var needed = _length + Math.Max(1, sizeHint);
        if (_buffer is null)
            return _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, needed));
        if (needed <= _buffer.Length)
            return _buffer;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, needed));
        Buffer.BlockCopy(_buffer, 0, larger, 0, _length);
        ArrayPool<byte>.Shared.Return(_buffer);
        return _buffer = larger;
    }

    private void ReleaseBuffer()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _length = 0;
    }
}
