using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Switchyard.Protocol;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Statements;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Decisions;
using Switchyard.Routing.Pinning;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// Prepared statements under proxy-owned ids. A statement is prepared on the backend connection that serves
/// the client's COM_STMT_PREPARE (a replica for a SELECT, the primary otherwise) and lazily on any other
/// connection an EXECUTE lands on; EXECUTEs are routed by the statement's class like the text protocol. Ids are
/// rewritten in both directions, and parameter types the client bound on an earlier EXECUTE are re-supplied to
/// a backend statement that has not seen them.
/// </summary>
internal sealed partial class ClientSession
{
    private readonly Dictionary<uint, ClientStatement> _statements = [];
    private readonly List<uint> _closeScratch = [];
    private uint _lastStatementId;
    private uint _lastPreparedId;

    private async Task<string?> PrepareAsync(PacketHeader header, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        if (header.HasContinuation || buffer.Length < PacketHeader.Size + header.PayloadLength)
        {
            // Statements are kept as text: reassembling a 16 MiB PREPARE is not worth it.
            await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
            await _client.WritePacketAsync(new ErrPacket(ErrorCodes.PacketTooLarge, ErrorCodes.StateCommunication,
                "Switchyard: a statement to prepare must fit in one packet (16 MiB)").Serialize(), 1, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (_statements.Count >= _context.Config.PreparedStatements.MaxPerSession)
        {
            await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
            await _client.WritePacketAsync(new ErrPacket(ErrorCodes.TooManyStatements, "42000",
                $"Can't create more than max_prepared_stmt_count statements (current value: {_context.Config.PreparedStatements.MaxPerSession}, Switchyard's prepared_statements.max_per_session)").Serialize(), 1, cancellationToken).ConfigureAwait(false);
            return null;
        }
        var statement = Classify(header, buffer, out _, out var consistency, out var policy);
        if (policy.Blocks)
            return await BlockAsync(policy, buffer, cancellationToken).ConfigureAwait(false);
        var sql = Encoding.UTF8.GetString(buffer.Slice(PacketHeader.Size + 1, header.PayloadLength - 1));
        var target = RoutePlanner.Route(statement, _backends.RouteState(statement));
        // As for reads: a PREPARE sent to a replica stays in the client's buffer until answered, so that a replica
        // failing before its first byte is replaced without the client noticing.
        var retriable = target == RouteTarget.Replica && CommandForwarder.IsWhole(buffer);
        var id = ++_lastStatementId;
        BackendConnection backend;
        for (var attempt = 1; ; attempt++)
        {
            var (acquired, endReason) = await AcquireOrRefuseAsync(target, buffer, cancellationToken, group: policy.Group).ConfigureAwait(false);
            if (acquired is null)
                return endReason;
            backend = acquired;
            CloseUnusedStatements(backend);
            if (!retriable || backend.Endpoint.IsPrimary)
            {
                if (await ForwardCommandAsync(CommandCode.StmtPrepare, buffer, backend, cancellationToken, clientStatementId: id).ConfigureAwait(false) is { } lost)
                    return lost;
                break;
            }
            var (retry, failed, replayEnd) = await ForwardReplayableAsync(buffer, backend, ResponseShape.Prepare, attempt <= _context.Replicas.Count, cancellationToken, id).ConfigureAwait(false);
            if (failed)
                return replayEnd;
            if (!retry)
                break;
        }
        var outcome = _forwarder.LastOutcome(hasStatus: false);
        if (!outcome.IsError)
        {
            var parameters = _forwarder.LastPreparedParameterCount;
            var prepared = new ClientStatement(id, sql, _backends.Schema, statement, parameters) { Tags = policy.Apply(consistency.Tags), Policy = policy };
            _statements[id] = prepared;
            _lastPreparedId = id;
            _context.Statements.Acquire(prepared.CacheKey);
            backend.Statements.Add(prepared.CacheKey, _forwarder.LastPreparedStatementId, parameters, _context.Config.PreparedStatements.MaxPerConnection, _closeScratch);
            CloseUnusedStatements(backend);
        }
        // The first EXECUTE usually follows at once: keep the connection that has the statement for it.
        await _backends.CompleteAsync(default, null, outcome with { KeepForNext = !outcome.IsError }).ConfigureAwait(false);
        return null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<string?> ExecuteAsync(PacketHeader header, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        if (await LookUpAsync(buffer, "mysqld_stmt_execute", cancellationToken).ConfigureAwait(false) is not { } statement)
            return null;
        var started = Stopwatch.GetTimestamp();
        var whole = CommandForwarder.IsWhole(buffer);
        TakeDiagnosticsReplay();
        for (var attempt = 1; ; attempt++)
        {
            var target = TargetFor(statement, out var plan, out var level);
            if (attempt == 1 && whole && !statement.HasCursor && !statement.HasLongData
                && await LaneForAsync(statement.Classification, statement.Policy, target, plan).ConfigureAwait(false) is { } lane)
            {
                var (served, isError, laneEnd) = await ExecuteOnLaneAsync(lane, buffer, statement).ConfigureAwait(false);
                if (served)
                {
                    RecordLaneRead(statement.Classification, started, target, lane, level, plan, statement.Policy.Digest, isError);
                    return laneEnd;
                }
            }
            var (backend, endReason) = await AcquireOrRefuseAsync(target, buffer, cancellationToken, plan, statement.Policy.Group).ConfigureAwait(false);
            if (backend is null)
                return endReason;
            await using var timeout = StartTimeout(statement.Policy, backend);
            var (backendStatement, error) = await EnsurePreparedAsync(backend, statement, cancellationToken).ConfigureAwait(false);
            if (backendStatement is null)
            {
                // A replica that died while the statement was being prepared on it has answered nothing yet either.
                if (backend.IsBroken && !backend.Endpoint.IsPrimary && !_backends.IsPinned && !statement.HasLongData && attempt <= _context.Replicas.Count)
                {
                    await RetryElsewhereAsync(backend, error!.Message).ConfigureAwait(false);
                    continue;
                }
                return await RefuseAfterAcquireAsync(buffer, error!, cancellationToken).ConfigureAwait(false);
            }
            // As for text reads: an EXECUTE on a replica stays in the client's buffer until answered, so that a
            // replica failing before its first byte can be replaced.
            var retriable = whole && !backend.Endpoint.IsPrimary && !_backends.IsPinned && !statement.HasLongData && attempt <= _context.Replicas.Count;
            var cursor = false;
            try
            {
                if (whole && PlanExecute(buffer.Slice(PacketHeader.Size, header.PayloadLength), statement, backendStatement, out var layout, out var rebuild))
                {
                    cursor = layout.CursorFlags != CursorType.NoCursor;
                    if (rebuild)
                    {
                        // The client sent no types (it bound them on another backend statement): rebuild with them.
                        var payload = buffer.Slice(PacketHeader.Size, header.PayloadLength).ToArray();
                        await _forwarder.WriteExecuteAsync(payload, layout, statement.Types!, backend, backendStatement.Id, cancellationToken).ConfigureAwait(false);
                        backendStatement.BoundTypes = statement.Types;
                    }
                    else
                    {
                        await _forwarder.ForwardRequestAsync(buffer, backend, cancellationToken, backendStatement.Id, keepRequest: true).ConfigureAwait(false);
                    }
                    await _forwarder.ForwardResponseAsync(ResponseShape.ResultSets, backend, cancellationToken, deferFinalFlush: backend.Endpoint.IsPrimary).ConfigureAwait(false);
                    _forwarder.ReleaseRequest(buffer);
                }
                else
                {
                    if (await ForwardCommandAsync(CommandCode.StmtExecute, buffer, backend, cancellationToken, backendStatement.Id, deferFinalFlush: backend.Endpoint.IsPrimary).ConfigureAwait(false) is { } lost)
                        return lost;
                }
            }
            catch (BackendLostException e) when (retriable && !e.ClientSawBytes)
            {
                await RetryElsewhereAsync(backend, e.Message).ConfigureAwait(false);
                continue;
            }
            catch (BackendLostException e)
            {
                _forwarder.ReleaseRequest(buffer);
                return await CommandFailedAsync(e, backend, cancellationToken).ConfigureAwait(false);
            }

            var outcome = _forwarder.LastOutcome(hasStatus: true);
            var pinsMayChange = statement.HasLongData;
            statement.HasLongData = false;
            if (cursor && !outcome.IsError && (outcome.Status & ServerStatusFlags.CursorExists) != 0)
            {
                statement.HasCursor = true;
                outcome = outcome with { CursorOpened = true };
                pinsMayChange = true;
            }
            // The common EXECUTE (no long data, no cursor) changes no statement pin: skip the scan of all statements.
            if (pinsMayChange)
                UpdateStatementPins();
            RecordQuery(statement.Classification, started, level, statement.Policy.Digest, outcome.IsError);
            if (IsCommittedWrite(statement.Classification, outcome))
                await NoteWriteAsync(statement.Tags, outcome, cancellationToken).ConfigureAwait(false);
            await FlushDeferredAsync(cancellationToken).ConfigureAwait(false);
            await _backends.CompleteAsync(statement.Classification, null, outcome).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>See <see cref="ExecutePlanner.Plan"/>; a payload split across buffer segments is read from its start.</summary>
    private static bool PlanExecute(ReadOnlySequence<byte> payloadSequence, ClientStatement statement, BackendStatement backendStatement, out StmtExecuteLayout layout, out bool rebuild)
    {
        Span<byte> head = stackalloc byte[512];
        var payload = payloadSequence.IsSingleSegment ? payloadSequence.FirstSpan : Head(payloadSequence, head);
        return ExecutePlanner.Plan(payload, statement, backendStatement, out layout, out rebuild);
    }

    private static ReadOnlySpan<byte> Head(in ReadOnlySequence<byte> payload, Span<byte> destination)
    {
        var length = (int)Math.Min(payload.Length, destination.Length);
        payload.Slice(0, length).CopyTo(destination);
        return destination[..length];
    }

    private async Task<string?> SendLongDataAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        // COM_STMT_SEND_LONG_DATA has no answer, not even an error: an unknown statement is dropped as the server does.
        if (!TryReadStatementId(buffer, out var id) || !_statements.TryGetValue(id, out var statement))
        {
            await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
            return null;
        }
        BackendConnection backend;
        try
        {
            backend = await _backends.AcquireAsync(TargetFor(statement), cancellationToken, group: statement.Policy.Group).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackendUnavailableException or PoolExhaustedException or SessionStateException or PinnedBackendLostException or IOException)
        {
            await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
            return null; // the EXECUTE that follows reports the problem
        }
        var (backendStatement, _) = await EnsurePreparedAsync(backend, statement, cancellationToken).ConfigureAwait(false);
        if (backendStatement is null)
        {
            await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (await ForwardCommandAsync(CommandCode.StmtSendLongData, buffer, backend, cancellationToken, backendStatement.Id).ConfigureAwait(false) is { } lost)
            return lost;
        statement.HasLongData = true;
        UpdateStatementPins();
        return null;
    }

    private async Task<string?> CloseStatementAsync(CancellationToken cancellationToken)
    {
        var (payload, _, _) = await _client.ReadPacketAsync(MaxControlPacket, cancellationToken).ConfigureAwait(false);
        if (!StatementIdField.TryRead(payload, out var id) || !_statements.Remove(id == StatementIdField.LastPrepared ? _lastPreparedId : id, out var statement))
            return null; // no answer to COM_STMT_CLOSE, whatever happens
        _context.Statements.Release(statement.CacheKey);
        if ((statement.HasCursor || statement.HasLongData) && _backends.Held is { IsBroken: false } held)
        {
            // Its cursor or long data lives on the held connection: close it there now.
            held.Statements.Remove(statement.CacheKey, _closeScratch);
            CommandForwarder.WriteStatementCloses(held, _closeScratch);
            await held.Channel.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        statement.HasCursor = statement.HasLongData = false;
        UpdateStatementPins();
        await _backends.CompleteAsync(default, null, default).ConfigureAwait(false);
        return null;
    }

    private async Task<string?> ResetStatementAsync(CancellationToken cancellationToken)
    {
        var (payload, _, last) = await _client.ReadPacketAsync(MaxControlPacket, cancellationToken).ConfigureAwait(false);
        var next = (byte)(last + 1);
        if (!StatementIdField.TryRead(payload, out var id) || !_statements.TryGetValue(id == StatementIdField.LastPrepared ? _lastPreparedId : id, out var statement))
        {
            await _client.WritePacketAsync(UnknownStatement(id, "mysqld_stmt_reset").Serialize(), next, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if ((statement.HasCursor || statement.HasLongData) && _backends.Held is { IsBroken: false } held && held.Statements.TryGet(statement, out var backendStatement))
        {
            StatementIdField.Write(payload, backendStatement.Id);
            try
            {
                await held.Channel.WritePacketAsync(payload, 0, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                held.MarkBroken();
                return await CommandFailedAsync(new BackendLostException(e.Message, clientSawBytes: false, e), held, cancellationToken).ConfigureAwait(false);
            }
            if (await ForwardAnswerAsync(ResponseShape.SinglePacket, held, cancellationToken).ConfigureAwait(false) is { } lost)
                return lost;
        }
        else
        {
            // Nothing of it lives on any connection beyond the statement itself: a reset has nothing to clear.
            await _client.WritePacketAsync(OkPacket.Create(_backends.AutocommitOff ? ServerStatusFlags.None : ServerStatusFlags.Autocommit), next, cancellationToken).ConfigureAwait(false);
        }
        statement.HasCursor = statement.HasLongData = false;
        UpdateStatementPins();
        await _backends.CompleteAsync(default, null, default).ConfigureAwait(false);
        return null;
    }

    private async Task<string?> FetchAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        if (await LookUpAsync(buffer, "mysqld_stmt_fetch", cancellationToken).ConfigureAwait(false) is not { } statement)
            return null;
        if (!statement.HasCursor || _backends.Held is not { } held || !held.Statements.TryGet(statement, out var backendStatement))
        {
            await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
            await _client.WritePacketAsync(new ErrPacket(1421, ErrorCodes.StateGeneral, $"The statement ({statement.Id}) has no open cursor").Serialize(), 1, cancellationToken).ConfigureAwait(false);
            return null;
        }
        var (backend, endReason) = await AcquireOrRefuseAsync(RouteTarget.Current, buffer, cancellationToken).ConfigureAwait(false);
        if (backend is null)
            return endReason;
        return await ForwardCommandAsync(CommandCode.StmtFetch, buffer, held, cancellationToken, backendStatement.Id).ConfigureAwait(false);
    }

    /// <summary>Finds the client statement a command names; an unknown id gets the server's error. Completes at once
    /// for a known statement (every EXECUTE): no state machine then.</summary>
    private ValueTask<ClientStatement?> LookUpAsync(ReadOnlySequence<byte> buffer, string commandName, CancellationToken cancellationToken) =>
        TryReadStatementId(buffer, out var id) && _statements.TryGetValue(id, out var statement)
            ? new(statement)
            : RefuseUnknownStatementAsync(buffer, id, commandName, cancellationToken);

    private async ValueTask<ClientStatement?> RefuseUnknownStatementAsync(ReadOnlySequence<byte> buffer, uint id, string commandName, CancellationToken cancellationToken)
    {
        await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
        await _client.WritePacketAsync(UnknownStatement(id, commandName).Serialize(), 1, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private bool TryReadStatementId(ReadOnlySequence<byte> buffer, out uint id)
    {
        Span<byte> start = stackalloc byte[StatementIdField.MinPayloadLength];
        id = 0;
        if (buffer.Length < PacketHeader.Size + start.Length)
            return false;
        buffer.Slice(PacketHeader.Size, start.Length).CopyTo(start);
        if (!StatementIdField.TryRead(start, out id))
            return false;
        if (id == StatementIdField.LastPrepared)
            id = _lastPreparedId;
        return true;
    }

    private static ErrPacket UnknownStatement(uint id, string command) =>
        new(ErrorCodes.UnknownStatement, ErrorCodes.StateGeneral, $"Unknown prepared statement handler ({id}) given to {command}");

    /// <summary>The connection for an EXECUTE (or its long data): where its long data or the session's pins are, else
    /// the one that just prepared it when it suits the statement's route, else by route.</summary>
    private RouteTarget TargetFor(ClientStatement statement) => TargetFor(statement, out _, out _);

    /// <summary>As above, with the statement's consistency applied (tags taken when it was prepared): a read whose
    /// replica is constrained does not reuse the connection that prepared it unless that is the primary.</summary>
    private RouteTarget TargetFor(ClientStatement statement, out ReadPlan? plan, out ConsistencyKind? level)
    {
        plan = null;
        level = null;
        if (statement.HasLongData)
            return RouteTarget.Current;
        var planned = statement.Policy.Apply(RoutePlanner.Route(statement.Classification, _backends.RouteState(statement.Classification)), statement.Classification);
        var target = PlanRead(planned, statement.Tags, out plan, out level);
        if (target != RouteTarget.Current && (plan is null || _backends.Held is { Endpoint.IsPrimary: true }) && _backends.Held is { IsBroken: false } held
            && held.Endpoint.IsPrimary == (target == RouteTarget.Primary) && held.Statements.TryGet(statement, out _))
            target = RouteTarget.Current;
        return target;
    }

    /// <summary>The backend statement for <paramref name="statement"/> on <paramref name="backend"/>, prepared there
    /// now if needed. On failure (the table is gone, say) returns the server's error for the client. Completes at once
    /// when the connection has it already (almost every EXECUTE): no state machine then.</summary>
    private ValueTask<(BackendStatement? Statement, ErrPacket? Error)> EnsurePreparedAsync(BackendConnection backend, ClientStatement statement, CancellationToken cancellationToken)
    {
        CloseUnusedStatements(backend);
        return backend.Statements.TryGet(statement, out var existing)
            ? new((existing, null))
            : PrepareOnBackendAsync(backend, statement, cancellationToken);
    }

    private async ValueTask<(BackendStatement? Statement, ErrPacket? Error)> PrepareOnBackendAsync(BackendConnection backend, ClientStatement statement, CancellationToken cancellationToken)
    {
        try
        {
            var (id, parameters, error) = await backend.PrepareAsync(statement.Sql, cancellationToken).ConfigureAwait(false);
            if (error is not null)
                return (null, error);
            var prepared = backend.Statements.Add(statement.CacheKey, id, parameters, _context.Config.PreparedStatements.MaxPerConnection, _closeScratch);
            Log.StatementPreparedOnBackend(_logger, _id, statement.Id, backend.Endpoint.Name, backend.ConnectionId, id);
            CloseUnusedStatements(backend);
            return (prepared, null);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException or ProtocolException)
        {
            backend.MarkBroken();
            return (null, new ErrPacket(ErrorCodes.ServerLost, ErrorCodes.StateCommunication, $"Switchyard: preparing the statement on backend '{backend.Endpoint.Name}' failed: {e.Message}"));
        }
    }

    private async Task<string?> RefuseAfterAcquireAsync(ReadOnlySequence<byte> buffer, ErrPacket error, CancellationToken cancellationToken)
    {
        await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
        await _client.WritePacketAsync(error.Serialize(), 1, cancellationToken).ConfigureAwait(false);
        await _backends.CompleteAsync(default, null, new CommandOutcome(false, default, true, 0, 0)).ConfigureAwait(false);
        return null;
    }

    /// <summary>Queues COM_STMT_CLOSE for backend statements nobody uses any more (they go out with the next command).</summary>
    private void CloseUnusedStatements(BackendConnection backend)
    {
        backend.Statements.CollectUnused(_context.Statements, _closeScratch);
        if (_closeScratch.Count > 0)
            CommandForwarder.WriteStatementCloses(backend, _closeScratch);
    }

    private void UpdateStatementPins()
    {
        bool cursor = false, longData = false;
        foreach (var statement in _statements.Values)
        {
            cursor |= statement.HasCursor;
            longData |= statement.HasLongData;
        }
        _backends.SetPin(PinReason.Cursor, cursor);
        _backends.SetPin(PinReason.LongData, longData);
    }

    private void CloseAllStatements()
    {
        foreach (var statement in _statements.Values)
            _context.Statements.Release(statement.CacheKey);
        _statements.Clear();
        UpdateStatementPins();
    }
}
