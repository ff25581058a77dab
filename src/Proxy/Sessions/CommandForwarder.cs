using System.Buffers;
using System.Runtime.CompilerServices;
using System.IO.Pipelines;
using Switchyard.Protocol;
using System.Buffers.Binary;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// The data path: copies a client command to a backend connection and the backend's answer back to the client
/// as raw bytes. Only packet headers (and the first bytes of each packet, for the scanner) are read; rows are
/// never decoded, nothing is allocated per packet, and a large result streams through with back-pressure
/// because the client side is flushed before more is read from the backend.
/// </summary>
internal sealed class CommandForwarder(PipeReader clientReader, PipeWriter clientWriter, long maxPacketSize, TimeSpan clientReadTimeout)
{
    /// <summary>Flush a long upload to the backend at least this often, so memory stays bounded.</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>An OK carrying last_gtid (and the few other tracked variables) is far smaller; a larger one is not
    /// captured, and the write then counts as one whose GTID is unknown.</summary>
    private const int SessionStateCapacity = 512;

    private ResponseScanner _scanner;
    /// <summary>Where the scanner copies a session-state OK (last_gtid) of connections that track it; one per session.</summary>
    private byte[]? _sessionStateBuffer;
    /// <summary>The end of the last answer is written to the client but not flushed yet (see deferFinalFlush).</summary>
    private bool _finalFlushPending;

    /// <summary>Status flags of the last response (IN_TRANS, AUTOCOMMIT, …).</summary>
    public ServerStatusFlags LastStatus => _scanner.Status;
    public bool LastResponseWasError => _scanner.IsError;
    public uint LastPreparedStatementId => _scanner.PreparedStatementId;
    public ushort LastPreparedParameterCount => _scanner.PreparedParameterCount;
    /// <summary>The last answer's last OK packet with session state changes, on a connection that tracks last_gtid
    /// (empty otherwise).</summary>
    public ReadOnlySpan<byte> LastSessionStateOk => _scanner.CapturedSessionStateOk;
    /// <summary>What the last answer says about the session (transaction state, warnings, insert id).</summary>
    public CommandOutcome LastOutcome(bool hasStatus) =>
        new(hasStatus && !_scanner.IsError, _scanner.Status, _scanner.IsError, _scanner.Warnings, _scanner.LastInsertId);

    /// <summary>Sends the command at the start of <paramref name="buffer"/> (from the client's last read, which
    /// this method takes over) to the backend. <paramref name="statementId"/>: the backend's id for a prepared
    /// statement command, written over the client's (proxy-owned) id.</summary>
    /// <param name="keepRequest">Leave a whole buffered command in the client's buffer (the caller advances past it
    /// with <see cref="ReleaseRequest"/>), so that it can be sent again to another backend if this one fails before
    /// answering. Only for a command that <see cref="IsWhole"/>.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ForwardRequestAsync(ReadOnlySequence<byte> buffer, BackendConnection backend, CancellationToken cancellationToken, uint? statementId = null, bool keepRequest = false)
    {
        PacketHeader.TryPeek(buffer, out var header);
        var packetLength = PacketHeader.Size + (long)header.PayloadLength;
        var backendWriter = backend.Channel.Writer;
        if (!header.HasContinuation && buffer.Length >= packetLength)
        {
            // The usual case: a whole small command is already buffered.
            var packet = buffer.Slice(0, packetLength);
            if (statementId is { } id && packetLength >= StatementIdEnd)
                CopyWithStatementId(packet, backendWriter, id);
            else
                Copy(packet, backendWriter);
            if (!keepRequest)
                clientReader.AdvanceTo(packet.End);
            await FlushBackendAsync(backend, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (statementId is { } patch)
        {
            while (buffer.Length < StatementIdEnd)
                buffer = await ReadMoreAsync(buffer, backend, cancellationToken).ConfigureAwait(false);
            // The first bytes, with the id replaced, then the rest of the (large) command as it arrives.
            var start = new byte[StatementIdEnd]; // only for commands over 16 MiB
            buffer.Slice(0, StatementIdEnd).CopyTo(start);
            BinaryPrimitives.WriteUInt32LittleEndian(start.AsSpan(PacketHeader.Size + 1), patch);
            buffer = await PumpPacketsAsync(buffer, backend, untilEmptyPacket: false, cancellationToken, start).ConfigureAwait(false);
        }
        else
        {
            buffer = await PumpPacketsAsync(buffer, backend, untilEmptyPacket: false, cancellationToken).ConfigureAwait(false);
        }
        clientReader.AdvanceTo(buffer.Start);
        await FlushBackendAsync(backend, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the command at the start of <paramref name="buffer"/> is one packet and fully buffered.</summary>
    public static bool IsWhole(in ReadOnlySequence<byte> buffer) =>
        PacketHeader.TryPeek(buffer, out var header) && !header.HasContinuation && buffer.Length >= PacketHeader.Size + (long)header.PayloadLength;

    /// <summary>Consumes a command kept with keepRequest once it no longer needs to be sent again.</summary>
    public void ReleaseRequest(in ReadOnlySequence<byte> buffer)
    {
        PacketHeader.TryPeek(buffer, out var header);
        clientReader.AdvanceTo(buffer.GetPosition(PacketHeader.Size + (long)header.PayloadLength));
    }

    /// <summary>Sends an EXECUTE rebuilt with the parameter types the backend statement needs, under its id.
    /// <paramref name="payload"/> is the client's whole command (one packet), already consumed from the client.</summary>
    public async ValueTask WriteExecuteAsync(ReadOnlyMemory<byte> payload, StmtExecuteLayout layout, byte[] types, BackendConnection backend, uint statementId, CancellationToken cancellationToken)
    {
        WriteExecuteWithTypes(backend.Channel.Writer, payload.Span, layout, types, statementId);
        await FlushBackendAsync(backend, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a client's EXECUTE payload as one packet under <paramref name="statementId"/>, with
    /// <paramref name="types"/> as its parameter types (for a backend statement that was not sent them).</summary>
    public static void WriteExecuteWithTypes(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload, in StmtExecuteLayout layout, byte[] types, uint statementId)
    {
        var length = StmtExecuteRequest.RequiredLength(payload, layout);
        if (length >= PacketHeader.MaxPayloadLength)
            throw new InvalidOperationException("a rebuilt EXECUTE must fit one packet");
        var span = writer.GetSpan(PacketHeader.Size + length);
        new PacketHeader(length, 0).Write(span);
        StmtExecuteRequest.WriteWithTypes(payload, layout, types, span[PacketHeader.Size..], statementId);
        writer.Advance(PacketHeader.Size + length);
    }

    /// <summary>Writes packets of the proxy's own to a backend (COM_STMT_CLOSE of statements nobody uses, which
    /// have no answer); they go out with the next flush.</summary>
    public static void WriteStatementCloses(BackendConnection backend, List<uint> statementIds) =>
        WriteStatementCloses(backend.Channel.Writer, statementIds);

    /// <summary>The same into any buffer (a pipelined lane's send buffer).</summary>
    public static void WriteStatementCloses(IBufferWriter<byte> writer, List<uint> statementIds)
    {
        foreach (var id in statementIds)
        {
            var span = writer.GetSpan(PacketHeader.Size + 5);
            new PacketHeader(5, 0).Write(span);
            span[PacketHeader.Size] = (byte)CommandCode.StmtClose;
            BinaryPrimitives.WriteUInt32LittleEndian(span[(PacketHeader.Size + 1)..], id);
            writer.Advance(PacketHeader.Size + 5);
        }
        statementIds.Clear();
    }

    private const int StatementIdEnd = PacketHeader.Size + 1 + 4;

    private static void CopyWithStatementId(in ReadOnlySequence<byte> packet, PipeWriter destination, uint statementId)
    {
        var length = (int)packet.Length;
        var span = destination.GetSpan(length);
        packet.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(PacketHeader.Size + 1)..], statementId);
        destination.Advance(length);
    }

    /// <summary>Streams the backend's answer to the client. Returns when the answer is complete.</summary>
    /// <param name="clientStatementId">For COM_STMT_PREPARE: the proxy's id, written over the server's in PREPARE_OK.</param>
    /// <param name="deferFinalFlush">Leave the answer's last bytes unflushed until <see cref="FlushDeferredAsync"/>: a
    /// write's commit is recorded (read-your-writes) before the client can see its OK and ask another connection.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ForwardResponseAsync(ResponseShape shape, BackendConnection backend, CancellationToken cancellationToken, uint? clientStatementId = null,
        bool deferFinalFlush = false)
    {
        _finalFlushPending = false;
        _scanner.Start(shape, backend.Profile.DeprecateEof, backend.TracksLastGtid ? _sessionStateBuffer ??= new byte[SessionStateCapacity] : null);
        if (shape == ResponseShape.None)
            return;
        var backendReader = backend.Channel.Reader;
        long forwarded = 0;
        var patchPending = clientStatementId.HasValue;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await backendReader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                backend.MarkBroken();
                throw new BackendLostException(e.Message, forwarded > 0, e);
            }
            var buffer = result.Buffer;
            if (patchPending && buffer.Length < StatementIdEnd && !result.IsCompleted)
            {
                backendReader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            ScanStatus status;
            SequencePosition consumed;
            try
            {
                status = _scanner.Scan(buffer, out consumed);
            }
            catch (Protocol.ProtocolException e)
            {
                backendReader.AdvanceTo(buffer.Start, buffer.End);
                backend.MarkBroken();
                throw new BackendLostException($"backend sent a malformed response: {e.Message}", forwarded > 0, e);
            }
            var part = buffer.Slice(0, consumed);
            if (patchPending && part.Length >= StatementIdEnd && !_scanner.IsError)
            {
                // PREPARE_OK carries the server's id; the client gets the proxy's.
                Copy(part.Slice(0, StatementIdEnd), clientWriter, clientStatementId!.Value);
                Copy(part.Slice(StatementIdEnd), clientWriter);
            }
            else
            {
                Copy(part, clientWriter);
            }
            patchPending = false;
            forwarded += part.Length;
            backendReader.AdvanceTo(consumed, status == ScanStatus.NeedMoreData ? buffer.End : consumed);

            switch (status)
            {
                case ScanStatus.Complete:
                    if (deferFinalFlush)
                    {
                        _finalFlushPending = true;
                        return;
                    }
                    await FlushClientAsync(backend, cancellationToken).ConfigureAwait(false);
                    return;
                case ScanStatus.LocalInfileRequested:
                    await FlushClientAsync(backend, cancellationToken).ConfigureAwait(false);
                    await ForwardLocalInfileAsync(backend, cancellationToken).ConfigureAwait(false);
                    _scanner.ResumeAfterLocalInfile();
                    continue;
            }
            if (result.IsCompleted)
            {
                backend.MarkBroken();
                throw new BackendLostException("the backend closed the connection in the middle of a response", forwarded > 0);
            }
            if (!part.IsEmpty)
                await FlushClientAsync(backend, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the client the end of an answer forwarded with deferFinalFlush (nothing when none is pending).</summary>
    public ValueTask FlushDeferredAsync(BackendConnection backend, CancellationToken cancellationToken)
    {
        if (!_finalFlushPending)
            return ValueTask.CompletedTask;
        _finalFlushPending = false;
        return FlushClientAsync(backend, cancellationToken);
    }

    /// <summary>The client sends the file as packets ending with an empty one; the server answers afterwards.</summary>
    private async ValueTask ForwardLocalInfileAsync(BackendConnection backend, CancellationToken cancellationToken)
    {
        var result = await ReadClientAsync(mid: false, backend, cancellationToken).ConfigureAwait(false);
        var rest = await PumpPacketsAsync(result.Buffer, backend, untilEmptyPacket: true, cancellationToken).ConfigureAwait(false);
        clientReader.AdvanceTo(rest.Start);
        await FlushBackendAsync(backend, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies whole packets from the client to the backend as they arrive: one logical packet (a command split at
    /// 16 MiB), or — for LOCAL INFILE — every packet up to and including the empty one that ends the file.
    /// Returns the unconsumed rest of the client's buffer; the caller advances the reader to its start.
    /// </summary>
    private async ValueTask<ReadOnlySequence<byte>> PumpPacketsAsync(ReadOnlySequence<byte> buffer, BackendConnection backend, bool untilEmptyPacket, CancellationToken cancellationToken, ReadOnlyMemory<byte> replacedStart = default)
    {
        var backendWriter = backend.Channel.Writer;
        long logicalLength = 0;
        if (!replacedStart.IsEmpty)
        {
            // Written in place of the first bytes of the first packet (which stay counted in its length below).
            backendWriter.Write(replacedStart.Span);
        }
        var skipStart = replacedStart.Length;
        while (true)
        {
            while (!PacketHeader.TryPeek(buffer, out _))
                buffer = await ReadMoreAsync(buffer, backend, cancellationToken).ConfigureAwait(false);
            PacketHeader.TryPeek(buffer, out var header);
            logicalLength += header.PayloadLength;
            if (!untilEmptyPacket && logicalLength > maxPacketSize)
            {
                backend.MarkBroken();
                throw new PacketTooLargeException(logicalLength, maxPacketSize);
            }

            var left = PacketHeader.Size + (long)header.PayloadLength;
            if (skipStart > 0)
            {
                buffer = buffer.Slice(skipStart);
                left -= skipStart;
                skipStart = 0;
            }
            while (left > 0)
            {
                if (buffer.IsEmpty)
                    buffer = await ReadMoreAsync(buffer, backend, cancellationToken).ConfigureAwait(false);
                var take = Math.Min(left, buffer.Length);
                Copy(buffer.Slice(0, take), backendWriter);
                buffer = buffer.Slice(take);
                left -= take;
                // The client's buffer is released on the next read; flushing here keeps the backend side bounded.
                if (backendWriter.UnflushedBytes >= FlushThreshold)
                    await FlushBackendAsync(backend, cancellationToken).ConfigureAwait(false);
            }

            if (header.HasContinuation)
                continue;
            logicalLength = 0;
            if (!untilEmptyPacket || header.PayloadLength == 0)
                return buffer;
        }
    }

    private async ValueTask<ReadOnlySequence<byte>> ReadMoreAsync(ReadOnlySequence<byte> buffer, BackendConnection backend, CancellationToken cancellationToken)
    {
        clientReader.AdvanceTo(buffer.Start, buffer.End);
        var result = await ReadClientAsync(mid: true, backend, cancellationToken).ConfigureAwait(false);
        return result.Buffer;
    }

    /// <summary>Reads from the client in the middle of a command: a client that stops sending halfway is dropped
    /// after the read timeout, as a server's net_read_timeout would.</summary>
    private async ValueTask<ReadResult> ReadClientAsync(bool mid, BackendConnection backend, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(clientReadTimeout);
        ReadResult result;
        try
        {
            result = await clientReader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            backend.MarkBroken();
            throw new ClientGoneException($"client sent no data for {clientReadTimeout.TotalSeconds:0} s in the middle of a packet");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            backend.MarkBroken();
            throw new ClientGoneException(e.Message, e);
        }
        if (result.IsCompleted && (mid || result.Buffer.IsEmpty))
        {
            backend.MarkBroken();
            throw new ClientGoneException(result.Buffer.IsEmpty ? "client closed the connection in the middle of a command" : "client sent a truncated packet and closed the connection");
        }
        return result;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushBackendAsync(BackendConnection backend, CancellationToken cancellationToken)
    {
        try
        {
            var flush = await backend.Channel.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
                throw new IOException("backend connection closed");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            backend.MarkBroken();
            throw new BackendLostException(e.Message, clientSawBytes: false, e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushClientAsync(BackendConnection backend, CancellationToken cancellationToken)
    {
        try
        {
            var flush = await clientWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
                throw new IOException("client connection closed");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The rest of the answer is still on its way from the backend: the connection is in an unknown state.
            if (!_scanner.IsComplete)
                backend.MarkBroken();
            throw new ClientGoneException(e.Message, e);
        }
    }

    private static void Copy(in ReadOnlySequence<byte> start, PipeWriter destination, uint statementId) =>
        CopyWithStatementId(start, destination, statementId);

    /// <summary>Writes raw bytes, segment by segment (the pipelined lanes use it too).</summary>
    internal static void Copy(in ReadOnlySequence<byte> source, PipeWriter destination)
    {
        if (source.IsSingleSegment)
        {
            destination.Write(source.FirstSpan);
            return;
        }
        foreach (var segment in source)
            destination.Write(segment.Span);
    }
}
