using System.Buffers;
using System.Runtime.CompilerServices;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Digests;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Metrics;
using Switchyard.Proxy.Pipelining;
using Switchyard.Proxy.Statements;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Decisions;
using Switchyard.Routing.Sessions;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// Reads served on pipelined lanes (routing.pipelined_lanes): an autocommit read that any replica may serve, from a
/// session with no state a lane's connection could not share (no transaction, pin or held connection), not matched
/// by a rule, is queued on a lane of the replica the balancing policy picks (or of the primary, when the primary serves
/// it) instead of leasing a connection of its own. Lanes are kept per schema and session settings (SET NAMES,
/// sql_mode, ...), so a lane's connection always has the session's. Everything else goes the usual way, and so does a
/// read the lane lost before its client saw any of the answer. The one thing a shared connection cannot keep for a
/// session is the diagnostics of its last statement: a read that left warnings or an error is run again, on the
/// connection that serves a following SHOW WARNINGS / SHOW ERRORS / GET DIAGNOSTICS, before that statement; after a
/// clean read, a statement that clears them runs there instead, so that no other session's diagnostics show.
/// </summary>
internal sealed partial class ClientSession
{
    private LaneRequest? _laneRequest;
    /// <summary>The session state the lane key <see cref="_laneSettings"/> was computed for.</summary>
    private SessionState? _laneState;
    private string? _laneSettings;
    /// <summary>Per replica of the backend set, the lane the session would use there (an array reused between reads).</summary>
    private PipelinedLane?[] _laneCandidates = [];
    /// <summary>The last command, when it was a read served on a lane: what to run before a statement about its
    /// diagnostics — the read itself (and for an EXECUTE its statement) when it left warnings or an error, else a
    /// statement that clears them.</summary>
    private (byte[] Packet, ClientStatement? Statement)? _diagnosticsReplay;

    /// <summary>A COM_QUERY that does nothing but clear the diagnostics: only a statement that uses a table does (a
    /// derived one will do; "DO 0" or "SELECT 1" leave the previous statement's warnings).</summary>
    private static readonly byte[] ClearDiagnostics = QueryPacket("DO (SELECT 1 FROM (SELECT 1) AS t)");

    private static byte[] QueryPacket(string sql)
    {
        var packet = new ArrayBufferWriter<byte>();
        PacketFramer.WritePacket(packet, [(byte)Protocol.Commands.CommandCode.Query, .. System.Text.Encoding.UTF8.GetBytes(sql)], 0);
        return packet.WrittenSpan.ToArray();
    }

    /// <summary>Larger commands go the usual way: a lane copies each command into its send buffer.</summary>
    private const int MaxLanePacket = 64 * 1024;

    private LaneRequest Lane => _laneRequest ??= new LaneRequest { AbortClient = _client.Abort };

    /// <summary>The lane to send a read to, or null when it must go the usual way. A read whose consistency constrains
    /// its replica (<paramref name="plan"/>: a write of the reader's to have applied, or a lag bound) may use the lane of
    /// a replica that already meets it — the monitor's last measurement, or a position an earlier wait proved — chosen
    /// by the balancing policy among those; it never waits on a lane: a read that would need a wait goes the usual way,
    /// which does it. A read for the primary (strong, or read-your-writes in its time window), or one for a replica
    /// when none is in rotation and the usual way would fall back to the primary, uses a lane of the primary: with a
    /// single writer, everything committed before the read was sent is there, whichever connection runs it.</summary>
    /// <remarks>Not async itself: most statements are decided without waiting, and only a connection held for the next
    /// statement has to be given back first.</remarks>
    private ValueTask<PipelinedLane?> LaneForAsync(StatementClassification statement, StatementPolicy policy, RouteTarget target, ReadPlan? plan)
    {
        if (_context.Config.Routing.PipelinedLanes == 0 || target == RouteTarget.Current || policy.Rule is not null
            || statement.Class != StatementClass.Read || statement.Flags != StatementFlags.None)
            return default;
        if (_backends.IsPinned || _backends.AutocommitOff || _backends.InTransaction || _context.Regions is not null || _context.BackendSet.WritersServeReads)
            return default;
        if (_backends.Held is null)
            return new(FindLane(target, plan));
        return _backends.HoldsForNextOnly ? ReleaseThenFindLaneAsync(target, plan) : default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<PipelinedLane?> ReleaseThenFindLaneAsync(RouteTarget target, ReadPlan? plan)
    {
        await _backends.ReleaseIfHeldForNextOnlyAsync().ConfigureAwait(false);
        return FindLane(target, plan);
    }

    private PipelinedLane? FindLane(RouteTarget target, ReadPlan? plan)
    {
        var state = _backends.State;
        if (!ReferenceEquals(state, _laneState))
        {
            // Sessions share a lane when a fresh connection needs the same statements to look like theirs.
            _laneSettings = state.Settings.Count == 0 ? "" : string.Join(";\n", SessionStateDiff.Statements(SessionState.Empty, state, CharsetNames.ForCollation(_backends.Collation)));
            _laneState = state;
        }
        if (target == RouteTarget.Primary)
            return PrimaryLane(state);
        // The balancing policy chooses only once every replica it may choose has a lane for the session, so that a read
        // the lanes decline does not cost the usual way its turn.
        var replicas = _context.BackendSet.Replicas;
        if (_laneCandidates.Length != replicas.Count)
            _laneCandidates = new PipelinedLane?[replicas.Count];
        var inRotation = false;
        for (var i = 0; i < replicas.Count; i++)
        {
            var eligible = replicas[i].Endpoint.InRotation;
            inRotation |= eligible;
            _laneCandidates[i] = eligible ? replicas[i].Lanes?.Find(_backends.Profile, _backends.Schema, state, _laneSettings!) : null;
            if (eligible && _laneCandidates[i] is null)
                return null;
        }
        // A constrained read with no replica in rotation is the usual way's: it counts that as consistency's decision.
        if (!inRotation)
            return plan is null ? PrimaryLane(state) : null;
        var chosen = _context.Replicas.Choose(0, plan?.Requirement ?? ReadRequirement.None, out _);
        for (var i = 0; i < replicas.Count; i++)
        {
            if (ReferenceEquals(replicas[i], chosen))
                return _laneCandidates[i];
        }
        return null;
    }

    /// <summary>The primary's lane for the session, or null (with several writers the writers have no lanes, see
    /// <see cref="Hosting.ProxyContext.CreatePool"/>).</summary>
    private PipelinedLane? PrimaryLane(SessionState state) =>
        _context.PrimaryPool.Lanes?.Find(_backends.Profile, _backends.Schema, state, _laneSettings!);

    /// <summary>A read served on a lane: counted with the statements, by the role of the lane's backend, and a read-your-
    /// writes read that had a write to wait for also with the decisions (its replica was known to have the write), as the
    /// usual way counts it; a read meant for a replica that the primary served is counted as the usual way's fallback.</summary>
    private void RecordLaneRead(StatementClassification statement, long started, RouteTarget target, PipelinedLane lane, ConsistencyKind? level, ReadPlan? plan, DigestEntry? digest, bool isError)
    {
        var onPrimary = lane.Connection.Endpoint.IsPrimary;
        if (target == RouteTarget.Replica && _context.Replicas.ReportFallback(onPrimary))
            _context.Metrics.RoutingFallback("no_eligible_replica");
        if (plan is { Kind: ReadPlanKind.ReplicaAfterGtid, Requirement.Gtid: not null })
            _context.Consistency.Metrics.Decision(RywDecision.ReplicaCaughtUp);
        RecordQuery(statement, started, level, digest, isError, onLane: onPrimary ? QueryRoute.Primary : QueryRoute.Replica);
    }

    /// <summary>Sends a COM_QUERY (whole in the client's buffer) on a lane. Not served: nothing reached the client and
    /// the command is still in its buffer, for the usual way.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(bool Served, bool IsError, string? EndReason)> QueryOnLaneAsync(PipelinedLane lane, ReadOnlySequence<byte> buffer)
    {
        var packet = WholePacket(buffer);
        if (packet.Length > MaxLanePacket)
            return (false, false, null);
        var request = Lane;
        var answer = request.Begin(_client.Writer, ResponseShape.ResultSets);
        if (!lane.TrySend(request, packet))
            return (false, false, null);
        return LaneAnswered(await answer.ConfigureAwait(false), lane, packet, null);
    }

    /// <summary>Sends a COM_STMT_EXECUTE (whole in the client's buffer) on a lane, preparing the statement there first
    /// if the lane has not seen it. Same contract as <see cref="QueryOnLaneAsync"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(bool Served, bool IsError, string? EndReason)> ExecuteOnLaneAsync(PipelinedLane lane, ReadOnlySequence<byte> buffer, ClientStatement statement)
    {
        var packet = WholePacket(buffer);
        if (packet.Length > MaxLanePacket)
            return (false, false, null);
        var request = Lane;
        var answer = request.Begin(_client.Writer, ResponseShape.ResultSets);
        if (!lane.TrySendExecute(request, packet, statement, out var unprepared))
        {
            if (!unprepared)
                return (false, false, null);
            var preparing = request.Begin(null, ResponseShape.Prepare);
            if (!lane.TrySendPrepare(request, statement.Sql))
                return (false, false, null);
            var prepared = await preparing.ConfigureAwait(false);
            // An error (the table is gone, say) is the usual way's to report, as the client's own statement's.
            if (prepared.Outcome != LaneStatus.Answered || prepared.IsError)
                return (false, false, null);
            lane.AddStatement(statement.CacheKey, prepared.PreparedStatementId, prepared.PreparedParameterCount, _context.Config.PreparedStatements.MaxPerConnection);
            answer = request.Begin(_client.Writer, ResponseShape.ResultSets);
            if (!lane.TrySendExecute(request, packet, statement, out _))
                return (false, false, null);
        }
        return LaneAnswered(await answer.ConfigureAwait(false), lane, packet, statement);
    }

    /// <summary>The replay kept for a statement about the previous one's diagnostics; each COM_QUERY and EXECUTE takes it.</summary>
    private (byte[] Packet, ClientStatement? Statement)? TakeDiagnosticsReplay()
    {
        var replay = _diagnosticsReplay;
        _diagnosticsReplay = null;
        return replay;
    }

    private (bool Served, bool IsError, string? EndReason) LaneAnswered(in LaneResult result, PipelinedLane lane, in ReadOnlySequence<byte> packet, ClientStatement? statement)
    {
        switch (result.Outcome)
        {
            case LaneStatus.Answered:
                _client.Reader.AdvanceTo(packet.End);
                // A clean read leaves nothing to show either: a pooled connection may still hold older diagnostics.
                _diagnosticsReplay = result.Warnings > 0 || result.IsError ? (packet.ToArray(), statement) : (ClearDiagnostics, null);
                return (true, result.IsError, null);
            case LaneStatus.NotAnswered:
                // The read goes the usual way; a replica is skipped like one that failed a leased connection.
                if (lane.Connection.Endpoint.IsPrimary)
                {
                    Log.PrimaryLaneLost(_logger, _id, lane.Connection.Endpoint.Name, result.Failure ?? "pipelined lane lost");
                }
                else
                {
                    Log.ReadRetried(_logger, _id, lane.Connection.Endpoint.Name, result.Failure ?? "pipelined lane lost");
                    _context.Metrics.RoutingFallback("replica_failed_before_answer");
                }
                return (false, false, null);
            case LaneStatus.LostMidAnswer:
                _client.Reader.AdvanceTo(packet.End);
                _context.Metrics.Error("backend_lost");
                return (true, true, $"backend '{lane.Connection.Endpoint.Name}' failed in the middle of a response: {result.Failure}");
            default:
                _client.Reader.AdvanceTo(packet.End);
                return (true, true, result.Failure ?? "client connection failed");
        }
    }

    private static ReadOnlySequence<byte> WholePacket(in ReadOnlySequence<byte> buffer)
    {
        PacketHeader.TryPeek(buffer, out var header);
        return buffer.Slice(0, PacketHeader.Size + (long)header.PayloadLength);
    }

    /// <summary>Before a statement about the previous one's diagnostics: when that previous statement was a read served
    /// on a lane and left warnings or an error, it runs again on <paramref name="backend"/> (its answer dropped), so
    /// that the diagnostics asked for are there. The read may meet other data than the first time; it is a read, so
    /// running it again changes nothing.</summary>
    private async ValueTask ReplayDiagnosticsAsync(StatementClassification statement, BackendConnection backend, (byte[] Packet, ClientStatement? Statement)? replay, CancellationToken cancellationToken)
    {
        if (replay is not { } last || (statement.Flags & StatementFlags.PreviousStatementDiagnostics) == 0)
            return;
        var packet = last.Packet;
        if (last.Statement is { } prepared)
        {
            var (backendStatement, _) = await EnsurePreparedAsync(backend, prepared, cancellationToken).ConfigureAwait(false);
            if (backendStatement is null)
                return;
            packet = ExecuteFor(packet, prepared, backendStatement);
        }
        try
        {
            backend.Channel.Writer.Write(packet);
            var flush = await backend.Channel.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
                throw new IOException("backend connection closed");
            var scanner = new ResponseScanner();
            scanner.Start(ResponseShape.ResultSets, backend.Profile.DeprecateEof);
            var reader = backend.Channel.Reader;
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var status = scanner.Scan(read.Buffer, out var consumed);
                reader.AdvanceTo(consumed, status == ScanStatus.NeedMoreData ? read.Buffer.End : consumed);
                if (status == ScanStatus.Complete)
                    return;
                if (status == ScanStatus.LocalInfileRequested)
                    throw new InvalidDataException("unexpected LOCAL INFILE request");
                if (read.IsCompleted)
                    throw new IOException("the backend closed the connection");
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Net.Sockets.SocketException or Protocol.ProtocolException)
        {
            // The statement itself then meets the broken connection and reports it.
            backend.MarkBroken();
        }
    }

    /// <summary>A client's EXECUTE packet under <paramref name="backendStatement"/>'s id, with the parameter types added
    /// when that statement was not sent them.</summary>
    private static byte[] ExecuteFor(byte[] packet, ClientStatement statement, BackendStatement backendStatement)
    {
        var payload = packet.AsSpan(PacketHeader.Size);
        if (!ExecutePlanner.Plan(payload, statement, backendStatement, out var layout, out var rebuild) || !rebuild)
        {
            var copy = (byte[])packet.Clone();
            StatementIdField.Write(copy.AsSpan(PacketHeader.Size), backendStatement.Id);
            return copy;
        }
        var rebuilt = new ArrayBufferWriter<byte>(packet.Length + statement.Types!.Length);
        CommandForwarder.WriteExecuteWithTypes(rebuilt, payload, layout, statement.Types, backendStatement.Id);
        backendStatement.BoundTypes = statement.Types;
        return rebuilt.WrittenSpan.ToArray();
    }
}
