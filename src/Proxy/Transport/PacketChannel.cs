using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Switchyard.Protocol.Framing;
using Switchyard.Proxy.Transport.Epoll;

namespace Switchyard.Proxy.Transport;

/// <summary>
/// One connection (TCP, or a Unix socket to a local backend) seen as a pair of pipes. The pipes work on the socket
/// itself (<see cref="SocketPipeReader"/>, <see cref="SocketPipeWriter"/>); <see cref="UpgradeAsync"/> moves them onto
/// a stream wrapped around it (TLS after an SSLRequest) without the rest of the proxy noticing.
/// </summary>
internal sealed class PacketChannel : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;
    private const int MinimumReadSize = 4 * 1024;

    private readonly Socket _socket;
    /// <summary>The proxy's own loop serving the socket (<see cref="EpollSocket.IsEnabled"/>), or null: .NET's engine.</summary>
    private EpollSocket? _epoll;
    /// <summary>Null until an upgrade: then the stream the pipes use, which owns the socket.</summary>
    private Stream? _stream;
    private int _disposed;

    public PacketChannel(Socket socket)
        : this(socket, EpollSocket.IsEnabled ? new EpollSocket(socket) : null)
    {
    }

    /// <summary>For a socket already on the proxy's loop (connected through it), or null for .NET's engine.</summary>
    public PacketChannel(Socket socket, EpollSocket? epoll)
    {
        _socket = socket;
        _epoll = epoll;
        // Nagle applies to TCP only (a Unix socket has no such option).
        if (socket.ProtocolType == ProtocolType.Tcp)
            _socket.NoDelay = true;
        Reader = new SocketPipeReader(socket, BufferSize, MinimumReadSize, epoll);
        Writer = new SocketPipeWriter(socket, BufferSize, epoll);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
    }

    public PipeReader Reader { get; private set; }
    public PipeWriter Writer { get; private set; }
    public IPEndPoint? RemoteEndPoint { get; }
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// True when the peer closed the connection (or sent something unasked, such as the ERR a server sends when it
    /// kills an idle connection) while nobody was reading: a pooled connection in that state must not be lent.
    /// One non-blocking poll, no read.
    /// </summary>
    public bool HasUnexpectedInput()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Replaces the transport stream (e.g. with an SslStream) once nothing is buffered in the pipes.</summary>
    public async ValueTask UpgradeAsync(Func<Stream, ValueTask<Stream>> wrap)
    {
        await Reader.CompleteAsync().ConfigureAwait(false);
        await Writer.CompleteAsync().ConfigureAwait(false);
        if (_epoll is not null)
        {
            // The stream works on .NET's engine, with a blocking socket (NetworkStream refuses others).
            _epoll.Dispose();
            _epoll = null;
            _socket.Blocking = true;
        }
        _stream = await wrap(_stream ?? new NetworkStream(_socket, ownsSocket: true)).ConfigureAwait(false);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: BufferSize, minimumReadSize: MinimumReadSize, leaveOpen: true));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: BufferSize, leaveOpen: true));
    }

    /// <summary>Writes a payload the proxy built itself as one or more packets, and flushes.</summary>
    public ValueTask<FlushResult> WritePacketAsync(ReadOnlySpan<byte> payload, byte sequenceId, CancellationToken cancellationToken)
    {
        PacketFramer.WritePacket(Writer, payload, sequenceId);
        return Writer.FlushAsync(cancellationToken);
    }

    /// <summary>Reads one logical packet for the proxy's own use (handshakes, commands it answers itself).</summary>
    public async ValueTask<(byte[] Payload, byte SequenceId, byte LastSequenceId)> ReadPacketAsync(int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (PacketFramer.TryReadLogicalPacket(ref buffer, maxLength, out var sequenceId, out var lastSequenceId, out var payload))
                {
                    // Only this packet was looked at: packets after it may already be buffered, and the next
                    // read must see them without waiting for more bytes.
                    consumed = examined = buffer.Start;
                    return (payload!, sequenceId, lastSequenceId);
                }
                if (result.IsCompleted)
                    throw new EndOfStreamException("the peer closed the connection");
            }
            finally
            {
                Reader.AdvanceTo(consumed, examined);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing to shut down.
        }
        try
        {
            await Reader.CompleteAsync().ConfigureAwait(false);
            // Completing the writer flushes what is still buffered; to a peer that is gone that fails.
            await Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is gone: nothing more can be delivered, the stream is disposed below either way.
        }
        try
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                _epoll?.Dispose();
                _socket.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Same: closing a broken connection.
        }
    }

    /// <summary>Aborts the connection at once (RST), e.g. when the peer hung.</summary>
    public void Abort()
    {
        _epoll?.Dispose();
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

}
