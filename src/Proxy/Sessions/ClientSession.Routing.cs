using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Switchyard.Protocol;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Digests;
using Switchyard.Proxy.Consistency;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Metrics;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Decisions;
using Switchyard.Routing.Pinning;

namespace Switchyard.Proxy.Sessions;

/// <summary>Per-statement routing: classify, choose a backend, forward, then let the server's answer update pins
/// and state.</summary>
internal sealed partial class ClientSession
{
    /// <summary>Statements are classified from at most this many bytes; a longer one is treated as truncated
    /// (primary, unless it is pinned anyway).</summary>
    private const int MaxClassifiedLength = 64 * 1024;

    /// <summary>Forwards one command and its answer. Returns a reason to end the session, or null.</summary>
    /// <remarks>Not async itself: each command's method is awaited by the command loop directly, one state machine
    /// less between the backend's answer and the loop's next read.</remarks>
    private ValueTask<string?> ForwardAsync(CommandCode command, PacketHeader header, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            LogStatement(command, buffer);
        switch (command)
        {
            case CommandCode.Query:
                return QueryAsync(header, buffer, cancellationToken);
            case CommandCode.StmtExecute:
                return ExecuteAsync(header, buffer, cancellationToken);
            case CommandCode.StmtPrepare:
                return new(PrepareAsync(header, buffer, cancellationToken));
            case CommandCode.StmtSendLongData:
                return new(SendLongDataAsync(buffer, cancellationToken));
            case CommandCode.StmtClose:
                _client.Reader.AdvanceTo(buffer.Start);
                return new(CloseStatementAsync(cancellationToken));
            case CommandCode.StmtReset:
                _client.Reader.AdvanceTo(buffer.Start);
                return new(ResetStatementAsync(cancellationToken));
            case CommandCode.StmtFetch:
                return new(FetchAsync(buffer, cancellationToken));
            default:
                return ForwardSimpleCommandAsync(command, header, buffer, cancellationToken);
        }
    }

    /// <summary>COM_INIT_DB, COM_PING, COM_STATISTICS, COM_FIELD_LIST, COM_SET_OPTION.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<string?> ForwardSimpleCommandAsync(CommandCode command, PacketHeader header, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        // The primary, or the pinned connection.
        var target = _backends.IsPinned ? RouteTarget.Current : RouteTarget.Primary;
        var (backend, endReason) = await AcquireOrRefuseAsync(target, buffer, cancellationToken).ConfigureAwait(false);
        if (backend is null)
            return endReason;
        string? schema = null;
        if (command == CommandCode.InitDb)
            schema = Encoding.UTF8.GetString(buffer.Slice(PacketHeader.Size + 1, header.PayloadLength - 1));
        if (await ForwardCommandAsync(command, buffer, backend, cancellationToken).ConfigureAwait(false) is { } lost)
            return lost;
        var outcome = _forwarder.LastOutcome(hasStatus: command is CommandCode.InitDb or CommandCode.Ping or CommandCode.SetOption);
        if (!outcome.IsError)
        {
            if (schema is not null)
                _backends.SchemaChanged(schema);
            // Multi-statement on/off is a property of this connection that no pooled connection shares.
            if (command == CommandCode.SetOption)
                _backends.SetPin(PinReason.ConnectionOption, on: true);
        }
        await _backends.CompleteAsync(default, null, outcome).ConfigureAwait(false);
        return null;
    }

    /// <summary>This session's last statement mirror: the next one runs after it.</summary>
    private Task? _mirrored;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<string?> QueryAsync(PacketHeader header, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var statement = Classify(header, buffer, out var assignments, out var consistency, out var policy);
        if (consistency.ProxyStatement is { } own)
            return await AnswerProxyStatementAsync(own, buffer, cancellationToken).ConfigureAwait(false);
        if (policy.Blocks)
            return await BlockAsync(policy, buffer, cancellationToken).ConfigureAwait(false);
        var tags = policy.Apply(consistency.Tags);
        // A write a rule mirrors: its text is copied now, while the client's packet is still in the buffer. Not a
        // multi-statement: which of its parts committed is not known.
        var mirror = policy.Mirror is not null && statement.Class == StatementClass.Write && !statement.Has(StatementFlags.MultiStatement) && !header.HasContinuation
            ? buffer.Slice(PacketHeader.Size + 1, header.PayloadLength - 1).ToArray()
            : null;
        var target = PlanRead(policy.Apply(RoutePlanner.Route(statement, _backends.RouteState(statement)), statement), tags, out var plan, out var level);
        // A read meant for a replica is kept in the client's buffer until it is answered: if the replica fails before
        // sending a byte, it goes to another replica, then the primary, and the client never notices.
        var whole = CommandForwarder.IsWhole(buffer);
        var retriable = target == RouteTarget.Replica && whole;
        var replay = TakeDiagnosticsReplay();
        if (whole && await LaneForAsync(statement, policy, target, plan).ConfigureAwait(false) is { } lane)
        {
            var (served, isError, laneEnd) = await QueryOnLaneAsync(lane, buffer).ConfigureAwait(false);
            if (served)
            {
                RecordLaneRead(statement, started, target, lane, level, plan, policy.Digest, isError);
                return laneEnd;
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            var (backend, endReason) = await AcquireOrRefuseAsync(target, buffer, cancellationToken, plan, policy.Group).ConfigureAwait(false);
            if (backend is null)
                return endReason;
            if (replay is not null)
                await ReplayDiagnosticsAsync(statement, backend, replay, cancellationToken).ConfigureAwait(false);
            await using var timeout = StartTimeout(policy, backend);
            // In multi-primary a read may land on a writer like on a replica: it is replayable there too.
            if (!retriable || backend.Endpoint.IsPrimary && !_context.BackendSet.WritersServeReads)
            {
                // The command is still unconsumed in the buffer: forwarding it consumes it. The end of a primary's answer is
                // held back until a write it committed is recorded.
                if (await ForwardCommandAsync(CommandCode.Query, buffer, backend, cancellationToken, deferFinalFlush: backend.Endpoint.IsPrimary).ConfigureAwait(false) is { } lost)
                    return lost;
                break;
            }
            var (retry, failed, replayEnd) = await ForwardReplayableAsync(buffer, backend, ResponseShape.ResultSets, attempt <= _context.Replicas.Count, cancellationToken).ConfigureAwait(false);
            if (failed)
                return replayEnd;
            if (!retry)
                break;
        }
        var outcome = _forwarder.LastOutcome(hasStatus: true);
        RecordQuery(statement, started, level, policy.Digest, outcome.IsError);
        if (IsCommittedWrite(statement, outcome))
        {
            await NoteWriteAsync(tags, outcome, cancellationToken).ConfigureAwait(false);
            // Only a committed write is copied: one inside a transaction might still be rolled back.
            if (mirror is not null)
                _mirrored = _context.Mirror.Submit(policy.Mirror!, _backends.Profile, _backends.Schema, mirror, _mirrored);
        }
        await FlushDeferredAsync(cancellationToken).ConfigureAwait(false);
        await _backends.CompleteAsync(statement, assignments, outcome).ConfigureAwait(false);
        return null;
    }

    /// <summary>Sends a command that stays in the client's buffer (see <see cref="CommandForwarder.IsWhole"/>) to a replica
    /// and streams its answer. When the replica fails before its first byte and <paramref name="mayRetry"/>, it is
    /// skipped and <c>Retry</c> tells the caller to send the command elsewhere; any other loss of the backend is
    /// reported to the client (<c>Failed</c>, with the reason to end the session, if any).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(bool Retry, bool Failed, string? EndReason)> ForwardReplayableAsync(ReadOnlySequence<byte> buffer, BackendConnection backend, ResponseShape shape,
        bool mayRetry, CancellationToken cancellationToken, uint? clientStatementId = null)
    {
        try
        {
            await _forwarder.ForwardRequestAsync(buffer, backend, cancellationToken, keepRequest: true).ConfigureAwait(false);
            await _forwarder.ForwardResponseAsync(shape, backend, cancellationToken, clientStatementId).ConfigureAwait(false);
            _forwarder.ReleaseRequest(buffer);
            return (false, false, null);
        }
        catch (BackendLostException e) when (!e.ClientSawBytes && mayRetry)
        {
            await RetryElsewhereAsync(backend, e.Message).ConfigureAwait(false);
            return (true, false, null);
        }
        catch (BackendLostException e)
        {
            _forwarder.ReleaseRequest(buffer);
            return (false, true, await CommandFailedAsync(e, backend, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>A replica failed before answering a read: it is skipped for a while and its connection dropped, and the
    /// caller sends the read again (to another replica, else the primary).</summary>
    private ValueTask RetryElsewhereAsync(BackendConnection failed, string reason)
    {
        Log.ReadRetried(_logger, _id, failed.Endpoint.Name, reason);
        _context.Metrics.RoutingFallback("replica_failed_before_answer");
        // A writer of several also takes the writes: one lost connection alone (a KILL, a timeout) must not fail writes
        // over; it counts towards shunning, and a failed connect (the next lease) takes the writer out at once.
        if (failed.Endpoint.IsPrimary && _context.Writers.HasSeveralWriters)
            failed.Endpoint.ReportTrafficError(reason);
        else
            failed.Endpoint.ConnectionFailed(_context.Config.Routing.ReplicaRetryDelay, reason);
        return _backends.ReleaseAsync(dirty: true);
    }

    /// <summary>Counts a statement by the role of the backend that answered it (the held connection's, unless a lane's
    /// <paramref name="onLane"/>), and its time through the proxy.</summary>
    private void RecordQuery(StatementClassification statement, long started, ConsistencyKind? level, DigestEntry? digest, bool error, QueryRoute? onLane = null)
    {
        var route = onLane ?? (_backends.Held is { Endpoint.IsPrimary: false } ? QueryRoute.Replica : QueryRoute.Primary);
        var finished = Stopwatch.GetTimestamp();
        var elapsed = finished - started;
        _context.Metrics.QueryCompleted(route, statement.Class, Stopwatch.GetElapsedTime(0, elapsed).TotalSeconds);
        digest?.Record(route == QueryRoute.Replica, elapsed, error, finished);
        if (level is { } kind)
            _context.Consistency.Metrics.ReadServed(kind, route == QueryRoute.Replica);
    }

    /// <summary>Classifies the SQL of a COM_QUERY or COM_STMT_PREPARE; for statements that change session state,
    /// also extracts what they assign.</summary>
    private StatementClassification Classify(PacketHeader header, ReadOnlySequence<byte> buffer, out IReadOnlyList<SessionAssignment>? assignments,
        out StatementConsistency consistency, out StatementPolicy policy)
    {
        var available = Math.Min(buffer.Length - PacketHeader.Size - 1, header.PayloadLength - 1);
        var length = (int)Math.Min(available, MaxClassifiedLength);
        var options = _backends.NoBackslashEscapes ? ClassificationOptions.NoBackslashEscapes : ClassificationOptions.None;
        if (length < header.PayloadLength - 1 || header.HasContinuation)
            options |= ClassificationOptions.Truncated;
        var sql = buffer.Slice(PacketHeader.Size + 1, length);
        byte[]? rented = null;
        var span = sql.IsSingleSegment ? sql.FirstSpan : CopyTo(sql, rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var statement = StatementClassifier.Classify(span, options);
            assignments = statement.Class == StatementClass.SessionState || statement.Has(StatementFlags.MultiStatement)
                ? SessionStateParser.Parse(span, options)
                : null;
            if (assignments is { Count: 0 })
                assignments = null;
            consistency = StatementConsistency.From(span, options);
            policy = PolicyFor(statement, span, options);
            return statement;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<byte> CopyTo(in ReadOnlySequence<byte> sql, byte[] destination)
    {
        sql.CopyTo(destination);
        return destination.AsSpan(0, (int)sql.Length);
    }

    /// <summary>
    /// Gets the connection for <paramref name="target"/>. When none can be had, the command is consumed and the
    /// client gets an error naming the reason; when the session's pinned connection is gone, the session ends.
    /// </summary>
    private ValueTask<(BackendConnection? Backend, string? EndReason)> AcquireOrRefuseAsync(RouteTarget target, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken,
        ReadPlan? plan = null, string? group = null)
    {
        // The held connection (every statement of a transaction): no state machine.
        var acquiring = _backends.AcquireAsync(target, cancellationToken, plan, group);
        return acquiring.IsCompletedSuccessfully ? new((acquiring.Result, null)) : AwaitLeaseOrRefuseAsync(acquiring, buffer, cancellationToken);
    }

    private async ValueTask<(BackendConnection? Backend, string? EndReason)> AwaitLeaseOrRefuseAsync(ValueTask<BackendConnection> acquiring, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        ErrPacket error;
        try
        {
            return (await acquiring.ConfigureAwait(false), null);
        }
        catch (BackendUnavailableException e)
        {
            _context.Metrics.Error("backend_unavailable");
            error = new ErrPacket(ErrorCodes.CannotConnect, ErrorCodes.StateCommunication, e.Message);
        }
        catch (NoWriterException e)
        {
            _context.Metrics.Error("no_writer");
            error = new ErrPacket(ErrorCodes.CannotConnect, ErrorCodes.StateCommunication, e.Message);
        }
        catch (PoolExhaustedException e)
        {
            _context.Metrics.Error("pool_exhausted");
            error = new ErrPacket(ErrorCodes.ProxyUnavailable, ErrorCodes.StateGeneral, e.Message);
        }
        catch (SessionStateException e)
        {
            Log.SessionStateFailed(_logger, _id, e.Message);
            error = e.Error with { Message = e.Message };
        }
        catch (PinnedBackendLostException e)
        {
            await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
            return (null, await ProtocolErrorAsync(ErrorCodes.ServerLost, ErrorCodes.StateCommunication, e.Message, 1, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException)
        {
            await _backends.ReleaseAsync(dirty: true).ConfigureAwait(false);
            error = new ErrPacket(ErrorCodes.ServerLost, ErrorCodes.StateCommunication, $"Switchyard: backend connection failed while preparing the statement: {e.Message}");
        }
        await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
        await _client.WritePacketAsync(error.Serialize(), 1, cancellationToken).ConfigureAwait(false);
        return (null, null);
    }

    /// <summary>Forwards the command at the start of <paramref name="buffer"/> and streams the answer back.
    /// Returns a reason to end the session, or null (also when the client was told of a lost backend).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<string?> ForwardCommandAsync(CommandCode command, ReadOnlySequence<byte> buffer, BackendConnection backend, CancellationToken cancellationToken,
        uint? backendStatementId = null, uint? clientStatementId = null, bool deferFinalFlush = false)
    {
        try
        {
            await _forwarder.ForwardRequestAsync(buffer, backend, cancellationToken, backendStatementId).ConfigureAwait(false);
            await _forwarder.ForwardResponseAsync(ResponseShapes.For(command), backend, cancellationToken, clientStatementId, deferFinalFlush).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is PacketTooLargeException or BackendLostException)
        {
            return await CommandFailedAsync(e, backend, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Streams the answer to a command already sent. Same contract as <see cref="ForwardCommandAsync"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<string?> ForwardAnswerAsync(ResponseShape shape, BackendConnection backend, CancellationToken cancellationToken)
    {
        try
        {
            await _forwarder.ForwardResponseAsync(shape, backend, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (BackendLostException e)
        {
            return await CommandFailedAsync(e, backend, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> CommandFailedAsync(Exception failure, BackendConnection backend, CancellationToken cancellationToken)
    {
        if (failure is PacketTooLargeException tooLarge)
        {
            return await ProtocolErrorAsync(ErrorCodes.PacketTooLarge, ErrorCodes.StateCommunication,
                $"Got a packet bigger than 'max_packet_size' ({tooLarge.Limit} bytes) configured in Switchyard", 1, cancellationToken).ConfigureAwait(false);
        }
        var lost = (BackendLostException)failure;
        _context.Metrics.Error("backend_lost");
        Log.BackendLost(_logger, backend.Endpoint.Name, backend.ConnectionId, _id, lost.Message);
        var pinned = _backends.IsPinned;
        await _backends.ReleaseAsync(dirty: true).ConfigureAwait(false);
        if (lost.ClientSawBytes)
            return $"backend '{backend.Endpoint.Name}' failed in the middle of a response: {lost.Message}";
        var message = backend.Endpoint.IsPrimary && _context.Writers.HasSeveralWriters
            ? WriteOutcomeUnknown(backend, lost.Message, pinned)
            : pinned
            ? $"Switchyard: lost connection to backend '{backend.Endpoint.Name}' ({backend.Endpoint.Address}) that held this session's transaction or session state: {lost.Message}"
            : $"Switchyard: lost connection to backend '{backend.Endpoint.Name}' ({backend.Endpoint.Address}) during the command: {lost.Message}";
        await _client.WritePacketAsync(new ErrPacket(ErrorCodes.ServerLost, ErrorCodes.StateCommunication, message).Serialize(), 1, cancellationToken).ConfigureAwait(false);
        // State that lived on the lost connection (a transaction, temporary tables, variables) is gone: the
        // session cannot continue as if it were not.
        return pinned ? $"backend '{backend.Endpoint.Name}' holding the session's state was lost" : null;
    }

    /// <summary>The documented error for a statement whose writer was lost after it was sent (README, "Multi-primary"):
    /// it may or may not have been applied, so it is never sent again; the writer's traffic error counts towards
    /// shunning it, and the next write's connect decides whether writes move on.</summary>
    private string WriteOutcomeUnknown(BackendConnection backend, string reason, bool pinned)
    {
        var writer = backend.Endpoint;
        Log.WriteOutcomeUnknown(_logger, _id, writer.Name, reason);
        _context.TopologyMetrics.OutcomeUnknown(writer.Name);
        writer.ReportTrafficError(reason);
        var what = pinned
            ? "the open transaction (and this statement) may or may not have been committed, and the session's state on it is gone"
            : "the statement may or may not have been applied";
        return $"Switchyard: write outcome unknown: the connection to writer '{writer.Name}' ({writer.Address}) was lost after the statement was sent ({reason}); " +
            $"{what}. It was not retried: check whether it took effect before retrying it";
    }
}
