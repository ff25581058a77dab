using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text;
using Switchyard.Protocol;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Consistency;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Metrics;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Decisions;
using Switchyard.Routing.Pinning;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// Read consistency in the session: reads a replica could serve are planned by their level and the reader's last
/// write; committed writes on the primary are recorded with their GTID; <c>SET/SELECT @@switchyard.*</c> and
/// <c>SELECT @@last_gtid</c> are answered by the proxy itself.
/// </summary>
internal sealed partial class ClientSession
{
    private const ushort UnknownSystemVariable = 1193; // ER_UNKNOWN_SYSTEM_VARIABLE
    private const ushort WrongValueForVariable = 1231; // ER_WRONG_VALUE_FOR_VAR

    private static ReadOnlySpan<byte> LastGtidName => "last_gtid"u8;

    /// <summary>Applies consistency to a statement's route: only reads that routing sends to a replica are affected
    /// (pinned, transactional and primary-only statements keep their route). <paramref name="plan"/> is what the
    /// replica must satisfy; <paramref name="level"/> the effective level, for metrics (null when not planned).</summary>
    private RouteTarget PlanRead(RouteTarget target, in StatementTags tags, out ReadPlan? plan, out ConsistencyKind? level)
    {
        plan = null;
        level = null;
        _backends.SetUserKey(_context.Regions is null ? null : _consistency.UserKeyFor(tags));
        if (target != RouteTarget.Replica)
            return target;
        if (tags.Problem is { } problem)
            Log.TagIgnored(_logger, _id, problem);
        var readPlan = _consistency.Plan(tags, out var effective);
        level = effective.Kind;
        if (readPlan.Kind == ReadPlanKind.Primary)
        {
            if (effective.Kind == ConsistencyKind.ReadYourWrites)
                _context.Consistency.Metrics.Decision(RywDecision.PrimaryTimeWindow);
            return RouteTarget.Primary;
        }
        if (SessionBackends.IsConstrained(readPlan))
            plan = readPlan;
        return RouteTarget.Replica;
    }

    /// <summary>A statement that ran on the primary and left no transaction open, without error, and could have written
    /// (or ended a transaction that did): its changes are committed now.</summary>
    private bool IsCommittedWrite(StatementClassification statement, in CommandOutcome outcome) =>
        !outcome.IsError && outcome.HasStatus && (outcome.Status & ServerStatusFlags.InTransaction) == 0
        && _backends.Held is { Endpoint.IsPrimary: true }
        && (statement.Class is StatementClass.Write or StatementClass.Other
            || statement.Has(StatementFlags.TransactionEnd) || statement.Has(StatementFlags.AutocommitChange)
            || (statement.Flags & (StatementFlags.UnknownFunctionMayWrite | StatementFlags.Sequence | StatementFlags.IntoVariableOrFile)) != 0);

    /// <summary>Records a committed write: in gtid mode with the GTID the primary reported in the OK's session state
    /// (MariaDB: last_gtid tracking; MySQL: session_track_gtids = OWN_GTID), or — for a client without
    /// CLIENT_SESSION_TRACK, whose backend connections cannot carry it — asked on the same connection (one extra round
    /// trip per write): SELECT @@last_gtid on MariaDB; on MySQL, which keeps no per-session last GTID,
    /// SELECT @@global.gtid_executed, a superset of the write (everything the primary committed so far), so a read
    /// may wait for a little more than its own write but never less.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask NoteWriteAsync(StatementTags tags, CommandOutcome outcome, CancellationToken cancellationToken)
    {
        var held = _backends.Held!;
        if (_context.Consistency.Mode == ReadYourWritesMode.Time)
        {
            _consistency.RecordWrite(null, null, tags);
            return;
        }
        string? text;
        if (held.TracksLastGtid)
        {
            // The server reports last_gtid whenever it changes: without it nothing was binlogged (a write to a temporary
            // table, LOCK TABLES, a COMMIT of a transaction that changed nothing), so nothing will replicate and no
            // replica needs waiting for.
            // MySQL likewise sends SESSION_TRACK_GTIDS only when the statement's commit produced a GTID.
            var found = held.IsMySql
                ? TrackedGtids.TryFind(_forwarder.LastSessionStateOk, out var value)
                : TrackedVariable.TryFind(_forwarder.LastSessionStateOk, LastGtidName, out value);
            if (!found)
                return;
            text = Encoding.UTF8.GetString(value);
        }
        else if (outcome.Warnings > 0)
        {
            // A query of the proxy's own would clear the warnings the client may ask for next with SHOW WARNINGS.
            RecordWriteWithoutGtid(held.Endpoint.Name, tags, $"the write left warnings, which {WrittenGtidSql(held)} would clear");
            return;
        }
        else
        {
            try
            {
                var (value, error) = await held.QueryScalarAsync(WrittenGtidSql(held), cancellationToken).ConfigureAwait(false);
                if (error is not null)
                {
                    RecordWriteWithoutGtid(held.Endpoint.Name, tags, $"{error.ErrorCode} {error.Message}");
                    return;
                }
                text = value ?? "";
                // MySQL's gtid_executed is empty only when the primary gives no GTIDs (gtid_mode OFF): the time rule then.
                if (text.Length == 0 && held.IsMySql)
                {
                    RecordWriteWithoutGtid(held.Endpoint.Name, tags, "empty @@global.gtid_executed (gtid_mode is not ON)");
                    return;
                }
                // Unchanged since the proxy last looked on this connection (or never set): nothing was binlogged now.
                // (MySQL's gtid_executed also grows with other sessions' commits: a change then over-approximates.)
                if (text.Length == 0 || text == held.LastSeenGtid)
                    return;
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException or ProtocolException)
            {
                RecordWriteWithoutGtid(held.Endpoint.Name, tags, e.Message);
                return;
            }
        }
        held.LastSeenGtid = text;
        if (text.Length == 0)
            return;
        if (!GtidSet.TryParse(text, out var gtid, out var parseError))
        {
            RecordWriteWithoutGtid(held.Endpoint.Name, tags, $"unparsable last_gtid '{text}': {parseError}");
            return;
        }
        _consistency.RecordWrite(gtid, text, tags);
        _backends.NoteRegionalWrite(gtid!);
        Log.WriteRecorded(_logger, _id, held.Endpoint.Name, text);
    }

    /// <summary>The query that learns a write's GTID on a connection whose OK packets do not carry it.</summary>
    private static string WrittenGtidSql(BackendConnection held) =>
        held.IsMySql ? "SELECT @@global.gtid_executed" : "SELECT @@last_gtid";

    private void RecordWriteWithoutGtid(string backend, in StatementTags tags, string reason)
    {
        Log.GtidUnknown(_logger, _id, backend, reason);
        _consistency.RecordWrite(null, null, tags);
    }

    /// <summary>Sends the client the held-back end of an answer (see ForwardResponseAsync's deferFinalFlush), once a
    /// committed write is recorded: another connection of the same user asks only after seeing this OK.</summary>
    private ValueTask FlushDeferredAsync(CancellationToken cancellationToken) =>
        _backends.Held is { } held ? _forwarder.FlushDeferredAsync(held, cancellationToken) : FlushClientDirectAsync(cancellationToken);

    private async ValueTask FlushClientDirectAsync(CancellationToken cancellationToken)
    {
        // The connection is gone (released as broken): whatever was written to the client still goes out.
        if (_client.Writer.UnflushedBytes > 0)
            await _client.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The status flags the proxy puts in answers it gives itself: the session's transaction state.</summary>
    private ServerStatusFlags OwnAnswerStatus() =>
        (_backends.AutocommitOff ? ServerStatusFlags.None : ServerStatusFlags.Autocommit)
        | ((_backends.Pins & PinReason.Transaction) != 0 ? ServerStatusFlags.InTransaction : ServerStatusFlags.None);

    /// <summary>Answers SET/SELECT of the proxy's variables (never forwarded). A bad value is an ERR and changes
    /// nothing: every assignment is checked before any is applied.</summary>
    private async ValueTask<string?> AnswerProxyStatementAsync(ProxyStatement statement, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
        var error = statement.Kind switch
        {
            ProxyStatementKind.Unsupported => new ErrPacket(ErrorCodes.NotSupportedYet, "42000",
                "Switchyard: @@switchyard variables are set alone (SET @@switchyard.consistency = 'strong', @@switchyard.user_id = '42') and read alone (SELECT @@switchyard.consistency, @@switchyard.user_id, @@last_gtid)"),
            _ => Validate(statement),
        };
        if (error is not null)
        {
            await _client.WritePacketAsync(error.Serialize(), 1, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (statement.Kind == ProxyStatementKind.Set)
        {
            foreach (var variable in statement.Variables)
            {
                if (variable.Name == "switchyard.consistency")
                    _consistency.TrySetLevel(variable.Value, out _);
                else
                    _consistency.SetUserId(variable.Value);
                Log.ProxyVariableSet(_logger, _id, variable.Name, variable.Value ?? "DEFAULT");
            }
            await _client.WritePacketAsync(OkPacket.Create(OwnAnswerStatus()), 1, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var names = statement.Variables.Select(v => v.Text).ToList();
        var values = statement.Variables.Select(v => v.Name switch
        {
            "switchyard.consistency" => _consistency.SessionLevel.ToString(),
            "switchyard.user_id" => _consistency.SessionUserId,
            _ => _consistency.LastGtidText,
        }).ToList();
        var packets = TextResultSetWriter.OneRow(names, values, _backends.Profile.DeprecateEof, OwnAnswerStatus());
        for (var i = 0; i < packets.Count; i++)
            PacketFramer.WritePacket(_client.Writer, packets[i], (byte)(i + 1));
        await _client.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static ErrPacket? Validate(ProxyStatement statement)
    {
        foreach (var variable in statement.Variables)
        {
            switch (variable.Name)
            {
                case "switchyard.consistency":
                    if (statement.Kind == ProxyStatementKind.Set && variable.Value is { } text && !ConsistencyLevel.TryParse(text, out _, out var problem))
                    {
                        return new ErrPacket(WrongValueForVariable, "42000",
                            $"Variable 'switchyard.consistency' can't be set to the value of '{text}': {problem} (use strong, eventual, read-your-writes or max_lag=N)");
                    }
                    break;
                case "switchyard.user_id":
                    break;
                case "last_gtid" when statement.Kind == ProxyStatementKind.Select:
                    break;
                default:
                    return new ErrPacket(UnknownSystemVariable, ErrorCodes.StateGeneral, $"Unknown system variable '{variable.Name}'");
            }
        }
        return null;
    }
}
