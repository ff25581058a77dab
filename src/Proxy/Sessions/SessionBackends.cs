using Microsoft.Extensions.Logging;
using Switchyard.Protocol;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Decisions;
using Switchyard.Routing.Consistency;
using Switchyard.Routing.Pinning;
using Switchyard.Routing.Sessions;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// Which backend connection serves a session's next command. A session holds no connection between statements
/// unless something pins it: it leases one per statement (a replica for autocommit reads, the primary for the
/// rest), replays its movable state there (schema, SET SESSION variables, character set, isolation level) and
/// gives it back when the answer is complete. Pins — an open transaction, user variables, temporary tables,
/// locks, SQL-level PREPARE, a cursor, long data — keep the connection until they are gone. After a statement
/// whose result the next one may ask about (warnings, an insert id, SQL_CALC_FOUND_ROWS) the connection is kept
/// for one more statement only.
/// </summary>
internal sealed partial class SessionBackends(ProxyContext context, uint sessionId, ILogger logger)
{
    private BackendConnection? _held;
    private PinReason _pins;
    private PinReason _pinsCounted; // what switchyard_pinned_sessions counts of this session
    private bool _heldForNextOnly;
    // The last two connections given back clean: a lease asks its pool for the one of these that is its pool's, so a
    // session keeps coming back to the same connection (and server thread) while it is idle there.
    private BackendConnection? _recent;
    private BackendConnection? _earlier;
    private ServerStatusFlags _status = ServerStatusFlags.Autocommit;

    public ConnectionProfile Profile { get; set; }
    public byte Collation { get; set; }

    /// <summary>The session's movable state: replayed on whichever connection serves it.</summary>
    public SessionState State { get; private set; } = SessionState.Empty;

    /// <summary>The session's current database (null: none selected).</summary>
    public string? Schema { get; set; }

    public BackendConnection? Held => _held;

    /// <summary>The backend group a routing rule restricts the replica of the lease in progress to (null: any replica);
    /// set by each <see cref="AcquireAsync"/>.</summary>
    private string? RouteGroup { get; set; }

    /// <summary>The held connection is kept only in case the next statement asks about the last one: it may be
    /// given back while the client is idle (see ReleaseIfHeldForNextOnlyAsync).</summary>
    public bool HoldsForNextOnly => _held is not null && _heldForNextOnly && !IsPinned;
    public PinReason Pins => _pins;
    public bool IsPinned => _pins != PinReason.None;

    /// <summary>The server's transaction view of the session: AUTOCOMMIT off means every statement is in a transaction.</summary>
    public bool AutocommitOff => (_status & ServerStatusFlags.Autocommit) == 0;
    public bool NoBackslashEscapes => (_status & ServerStatusFlags.NoBackslashEscapes) != 0;
    /// <summary>The server reported an open transaction after the last statement.</summary>
    public bool InTransaction => (_status & ServerStatusFlags.InTransaction) != 0;

    public SessionRouteState RouteState(StatementClassification statement) => new(
        Pinned: IsPinned,
        HeldConnectionServes: _held is not null && _heldForNextOnly && RoutePlanner.NeedsPreviousConnection(statement),
        AutocommitOff: AutocommitOff);

    /// <summary>Gets the connection for <paramref name="target"/> with the session's state applied.</summary>
    /// <exception cref="PinnedBackendLostException">The pinned connection died: its state is lost.</exception>
    /// <param name="plan">For a read meant for a replica: what its consistency requires of the replica (null: nothing).</param>
    /// <param name="group">A routing rule's backend group: a replica is taken only from it.</param>
    public ValueTask<BackendConnection> AcquireAsync(RouteTarget target, CancellationToken cancellationToken, ReadPlan? plan = null, string? group = null)
    {
        RouteGroup = group;
        // The held connection, as for every statement of a transaction: no state machine.
        if (target == RouteTarget.Current && _held is { IsBroken: false } current)
        {
            _heldForNextOnly = false;
            return new(current);
        }
        return LeaseAsync(target, cancellationToken, plan);
    }

    private async ValueTask<BackendConnection> LeaseAsync(RouteTarget target, CancellationToken cancellationToken, ReadPlan? plan)
    {
        if (target == RouteTarget.Current && _held is { IsBroken: true } held && IsPinned)
            throw new PinnedBackendLostException($"Switchyard: the connection to backend '{held.Endpoint.Name}' that held this session's {Describe(_pins)} was lost; that state is gone, reconnect");
        await ReleaseAsync(dirty: false).ConfigureAwait(false);

        var writerLosses = 0;
        while (true)
        {
            BackendConnection connection;
            if (target == RouteTarget.Replica && plan is { } consistent && IsConstrained(consistent))
            {
                // Consistency, not an outage, may send this read to the primary: counted apart, no fallback log.
                var replica = await LeaseConsistentReplicaAsync(consistent, cancellationToken).ConfigureAwait(false);
                connection = replica ?? await LeasePrimaryAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (target == RouteTarget.Replica)
            {
                var replica = await LeaseReplicaAsync(ReadRequirement.None, cancellationToken).ConfigureAwait(false);
                if (context.Replicas.ReportFallback(replica is null))
                    context.Metrics.RoutingFallback("no_eligible_replica");
                connection = replica ?? await LeasePrimaryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                connection = await LeasePrimaryAsync(cancellationToken).ConfigureAwait(false);
            }
            _held = connection;
            _heldForNextOnly = false;
            try
            {
                await ApplyStateAsync(connection, cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch (Exception e) when (connection.Endpoint.IsPrimary && context.Writers.HasSeveralWriters
                && e is IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException)
            {
                // The writer's pooled connection died before the statement was sent: lease again. A dead writer then
                // refuses the connect, which moves writes on at once; a second loss in a row moves them on here (a
                // writer that accepts connections and drops them cannot take writes either). One lost connection
                // alone (a KILL, a timeout) is no reason to fail over.
                Log.WriteRetriedOnNextWriter(logger, sessionId, connection.Endpoint.Name, e.Message);
                context.TopologyMetrics.Retried(connection.Endpoint.Name);
                if (++writerLosses >= 2)
                    context.Writers.Failed(connection.Endpoint, e.Message);
                else
                    connection.Endpoint.ReportTrafficError(e.Message);
                await ReleaseAsync(dirty: true).ConfigureAwait(false);
            }
            catch (Exception e) when (!connection.Endpoint.IsPrimary && e is IOException or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException)
            {
                // The replica died under its pooled connection: skip it and take another (in the end the primary).
                Log.ReplicaSkipped(logger, sessionId, connection.Endpoint.Name, e.Message);
                connection.Endpoint.ConnectionFailed(context.Config.Routing.ReplicaRetryDelay, e.Message);
                await ReleaseAsync(dirty: true).ConfigureAwait(false);
            }
            catch
            {
                await ReleaseAsync(dirty: true).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>A connection to the writer that takes writes now. With several writers, one that cannot be connected
    /// to is out at once and the next healthy writer is tried (nothing was sent yet); when none is left the error names
    /// every writer and why (<see cref="NoWriterException"/>).</summary>
    private async ValueTask<BackendConnection> LeasePrimaryAsync(CancellationToken cancellationToken)
    {
        if (context.Regions is { } regions)
            return await LeaseRegionalWriterAsync(regions, cancellationToken).ConfigureAwait(false);
        var writers = context.Writers;
        if (!writers.HasSeveralWriters)
            return await LeaseWarmAsync(context.PrimaryPool, cancellationToken).ConfigureAwait(false);
        // Each failed writer is out for the retry delay, so the loop ends within a round of the writers; the bound
        // is a guard against a writer that recovers and fails again within it.
        for (var attempt = 0; attempt <= 2 * writers.Writers.Count; attempt++)
        {
            if (writers.ForWrite() is not { } pool)
                break;
            try
            {
                return await LeaseWarmAsync(pool, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendUnavailableException e)
            {
                Log.WriteRetriedOnNextWriter(logger, sessionId, pool.Endpoint.Name, e.Reason);
                context.TopologyMetrics.Retried(pool.Endpoint.Name);
                writers.Failed(pool.Endpoint, e.Reason);
            }
        }
        throw new NoWriterException(writers.Unavailability());
    }

    /// <summary>A replica by the balancing policy; one that cannot be reached is skipped for a while and the next
    /// is tried. Null when no replica can serve: the caller falls back to the primary.</summary>
    private async ValueTask<BackendConnection?> LeaseReplicaAsync(ReadRequirement requirement, CancellationToken cancellationToken)
    {
        // Across regions the nearest serve first; a rule's group decides alone.
        if (RouteGroup is null && context.Regions is { } regions && await LeaseNearestAsync(regions, requirement, cancellationToken).ConfigureAwait(false) is { } near)
            return near;
        return await LeaseFromAsync(requirement, RouteGroup, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendConnection?> LeaseFromAsync(ReadRequirement requirement, string? group, CancellationToken cancellationToken)
    {
        ulong tried = 0;
        while (context.Replicas.Choose(tried, requirement, out var bit, group) is { } pool)
        {
            tried |= bit;
            try
            {
                return await LeaseWarmAsync(pool, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendUnavailableException e)
            {
                pool.Endpoint.MarkUnavailable(context.Config.Routing.ReplicaRetryDelay);
                Log.ReplicaSkipped(logger, sessionId, pool.Endpoint.Name, e.Message);
            }
            catch (PoolExhaustedException e)
            {
                Log.ReplicaSkipped(logger, sessionId, pool.Endpoint.Name, e.Message);
            }
        }
        return null;
    }

    /// <summary>Makes the connection's schema and movable state the session's, sending only the difference.</summary>
    private ValueTask ApplyStateAsync(BackendConnection connection, CancellationToken cancellationToken) =>
        context.PoolOf(connection.Endpoint).ApplyStateAsync(connection, Schema, State, Collation, cancellationToken);

    /// <summary>
    /// Updates pins, transaction state and movable state after a command ran on <see cref="Held"/>, then gives
    /// the connection back unless the session still needs it.
    /// </summary>
    /// <param name="statement">The statement's classification (default for commands that are not statements).</param>
    /// <param name="assignments">What the statement's SET/USE parts assign (null when there were none).</param>
    /// <param name="outcome">What the server answered.</param>
    public async ValueTask CompleteAsync(StatementClassification statement, IReadOnlyList<SessionAssignment>? assignments, CommandOutcome outcome)
    {
        if (_held is not { } connection)
            return;
        if (connection.IsBroken)
        {
            if (!IsPinned)
                await ReleaseAsync(dirty: true).ConfigureAwait(false);
            return;
        }
        var before = _pins;
        if (outcome.HasStatus)
        {
            _status = outcome.Status;
            // The session's database was dropped: the server has no current database any more, nor must the session.
            if ((outcome.Status & ServerStatusFlags.DatabaseDropped) != 0)
                Schema = connection.Schema = null;
            SetPin(PinReason.Transaction, (outcome.Status & ServerStatusFlags.InTransaction) != 0 || AutocommitOff);
        }
        if (!outcome.IsError)
        {
            // One-statement needs (LAST_INSERT_ID(), FOUND_ROWS(), SHOW WARNINGS) are met by keeping the connection
            // for the next statement only, below; these are the lasting pins.
            _pins |= PinRules.PinsFrom(statement) & ~PinRules.NextStatementOnly;
            _pins &= ~PinRules.ReleasedBy(statement);
            if (assignments is not null)
                Record(assignments, connection);
        }
        else if (assignments is not null && statement.Has(StatementFlags.MultiStatement))
        {
            // Which of its SET/USE parts ran before the error is unknown: the state lives only here now.
            _pins |= PinReason.MultiStatementState;
        }
        if (outcome.CursorOpened)
            _pins |= PinReason.Cursor;
        // Every transaction's first and last statement change the pins: the flags are named only when logged.
        if (_pins != before && logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            Log.PinsChanged(logger, sessionId, connection.Endpoint.Name, connection.ConnectionId, _pins.ToString());
        CountPins();

        if (IsPinned)
            return;
        _heldForNextOnly = outcome.IsError || outcome.Warnings > 0 || outcome.LastInsertId != 0 || statement.Has(StatementFlags.FoundRows) || outcome.KeepForNext;
        if (!_heldForNextOnly)
            await ReleaseAsync(dirty: false).ConfigureAwait(false);
    }

    private void Record(IReadOnlyList<SessionAssignment> assignments, BackendConnection connection)
    {
        var movable = new List<SessionAssignment>(assignments.Count);
        foreach (var assignment in assignments)
        {
            if (assignment.Kind == SessionAssignmentKind.Database)
            {
                Schema = connection.Schema = SqlIdentifier.Unquote(assignment.ValueText);
            }
            // autocommit is transaction state, followed through the server's status flags, not replayed.
            else if (assignment.Scope == SessionVariableScope.Session && !(assignment.Kind == SessionAssignmentKind.SystemVariable && assignment.Name == "autocommit"))
            {
                movable.Add(assignment);
            }
        }
        if (movable.Count == 0)
            return;
        State = State.With(movable);
        connection.AppliedState = State;
    }

    public void SetPin(PinReason reason, bool on)
    {
        if (on)
            _pins |= reason;
        else
            _pins &= ~reason;
        CountPins();
    }

    /// <summary>Brings the pinned-sessions gauge in line with the session's pins.</summary>
    private void CountPins()
    {
        if (_pins == _pinsCounted)
            return;
        context.Metrics.PinsChanged(_pinsCounted, _pins);
        _pinsCounted = _pins;
    }

    /// <summary>The session changed database with COM_INIT_DB on the held connection.</summary>
    public void SchemaChanged(string schema)
    {
        Schema = schema;
        if (_held is { } connection)
            connection.Schema = schema;
    }

    /// <summary>COM_RESET_CONNECTION / COM_CHANGE_USER: forget every piece of session state and pin.</summary>
    public async ValueTask ResetAsync(string? schema)
    {
        await ReleaseAsync(dirty: IsPinned).ConfigureAwait(false);
        _pins = PinReason.None;
        CountPins();
        _status = ServerStatusFlags.Autocommit;
        State = SessionState.Empty;
        Schema = schema;
    }

    /// <summary>The client stayed idle after a statement whose connection was kept for the next one: give it back, so
    /// that idle clients never hold connections that others wait for.</summary>
    public ValueTask ReleaseIfHeldForNextOnlyAsync() => HoldsForNextOnly ? ReleaseAsync(dirty: false) : ValueTask.CompletedTask;

    /// <summary>Gives the held connection back. Dirty: it may carry state that cannot move, so it is reset first.</summary>
    public async ValueTask ReleaseAsync(bool dirty)
    {
        if (_held is not { } connection)
            return;
        _held = null;
        _heldForNextOnly = false;
        var pool = context.PoolOf(connection.Endpoint);
        if (connection.IsBroken)
        {
            await pool.DiscardAsync(connection, "broken").ConfigureAwait(false);
            _pins = PinReason.None;
            CountPins();
            return;
        }
        if (dirty || IsPinned)
            Log.PinsChanged(logger, sessionId, connection.Endpoint.Name, connection.ConnectionId, "released: " + _pins);
        if (!dirty && !IsPinned && !ReferenceEquals(connection, _recent))
            (_earlier, _recent) = (_recent, connection);
        pool.Return(connection, dirty || IsPinned);
        _pins = PinReason.None;
        CountPins();
    }

    private ValueTask<BackendConnection> LeaseWarmAsync(BackendPool pool, CancellationToken cancellationToken)
    {
        var endpoint = pool.Endpoint;
        var preferred = _recent?.Endpoint == endpoint ? _recent : _earlier?.Endpoint == endpoint ? _earlier : null;
        return pool.LeaseAsync(Profile, preferred, cancellationToken);
    }

    private static string Describe(PinReason pins) => pins.ToString().ToLowerInvariant().Replace(",", " and");
}
