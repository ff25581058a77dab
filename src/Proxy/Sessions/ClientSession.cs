using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Handshake;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Consistency;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Transport;
using Switchyard.Routing.Decisions;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// One client connection: handshake, then a loop of commands. Commands are routed per statement (see
/// ClientSession.Routing.cs) over connections that <see cref="SessionBackends"/> leases and pins, and
/// forwarded as raw bytes by <see cref="CommandForwarder"/>; prepared statements get proxy-owned ids (see
/// ClientSession.Statements.cs). The proxy answers COM_QUIT, COM_CHANGE_USER and COM_RESET_CONNECTION itself
/// because they concern the client's identity and session, not one backend connection.
/// </summary>
internal sealed partial class ClientSession : IAsyncDisposable
{
    private const int MaxControlPacket = 64 * 1024;

    private readonly ProxyContext _context;
    private readonly PacketChannel _client;
    private readonly ILogger _logger;
    private readonly uint _id;
    private readonly string _clientAddress;
    private readonly string _clientHost;
    private readonly System.Net.IPAddress? _clientIp;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CommandForwarder _forwarder;
    private ClientIdentity? _identity;
    private readonly SessionBackends _backends;
    private readonly SessionConsistency _consistency;
    private Timer? _holdTimer;
    private long _commands;
    private volatile bool _draining;
    private CancellationTokenSource? _handshakeTimeout;

    public ClientSession(ProxyContext context, PacketChannel client)
    {
        _context = context;
        _client = client;
        _logger = context.LoggerFactory.CreateLogger("Switchyard.Session");
        _id = context.NextSessionId();
        _clientAddress = client.RemoteEndPoint?.ToString() ?? "unknown";
        _clientHost = client.RemoteEndPoint?.Address.ToString() ?? "unknown";
        _clientIp = client.RemoteEndPoint?.Address;
        _backends = new SessionBackends(context, _id, _logger);
        _consistency = new SessionConsistency(context.Consistency);
        _forwarder = new CommandForwarder(client.Reader, client.Writer, context.Config.Limits.MaxPacketSize, context.Config.Limits.ClientReadTimeout);
    }

    public uint Id => _id;

    /// <summary>The proxy is stopping: the session ends as soon as it is between statements and outside a
    /// transaction (at once when the client is idle); a transaction in progress may still commit.</summary>
    public void BeginDrain()
    {
        _draining = true;
        // A client still authenticating is not served yet: it is turned away at once.
        try
        {
            _handshakeTimeout?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The handshake just ended.
        }
        // Wakes a read that waits for the client's next command, so an idle session notices now.
        _client.Reader.CancelPendingRead();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log.SessionOpened(_logger, _id, _clientAddress);
        _context.Metrics.ClientConnected();
        var reason = "unknown";
        try
        {
            if (await AuthenticateAsync(cancellationToken).ConfigureAwait(false) is { } failure)
            {
                reason = failure;
                return;
            }
            reason = await CommandLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "proxy shutting down";
        }
        catch (ClientGoneException e)
        {
            reason = e.Message;
        }
        catch (EndOfStreamException)
        {
            reason = "client closed the connection";
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            reason = $"client connection failed: {e.Message}";
        }
        catch (Exception e)
        {
            reason = $"internal error: {e.Message}";
            Log.SessionFailed(_logger, _id, e);
        }
        finally
        {
            CloseAllStatements();
            await _backends.ReleaseAsync(dirty: false).ConfigureAwait(false);
            var duration = (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
            Log.SessionClosed(_logger, _id, _clientAddress, _identity?.User, duration, _commands, reason);
            _context.Metrics.ClientDisconnected();
        }
    }

    /// <summary>Returns null on success, else why the client was turned away.</summary>
    private async Task<string?> AuthenticateAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_context.Config.Limits.ClientHandshakeTimeout);
        _handshakeTimeout = timeout;
        if (_draining)
            return "proxy shutting down";
        ClientHandshake.Outcome outcome;
        try
        {
            var handshake = new ClientHandshake(_client, _context.Users, _id, _clientHost);
            outcome = await handshake.RunAsync(_context.ServerVersion, _context.Greeting, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_draining)
        {
            return "proxy shutting down";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"handshake not finished within {_context.Config.Limits.ClientHandshakeTimeout.TotalSeconds:0.#} s";
        }
        catch (PacketTooLargeException)
        {
            return "handshake packet too large";
        }
        catch (EndOfStreamException)
        {
            return "client closed the connection during the handshake";
        }
        if (outcome.Identity is not { } identity)
        {
            if (outcome.AttemptedUser is { } user)
                Log.AccessDenied(_logger, _id, _clientAddress, user, outcome.FailureReason ?? "");
            else
                Log.ProtocolError(_logger, _id, _clientAddress, outcome.FailureReason ?? "handshake failed");
            return $"authentication failed: {outcome.FailureReason}";
        }

        _identity = identity;
        _consistency.UserChanged(identity.User);
        _backends.Profile = ConnectionProfile.For(identity.Capabilities, identity.Collation);
        _backends.Collation = identity.Collation;
        var error = await TryAcquireForSchemaAsync(identity.Schema, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            await _client.WritePacketAsync(error.Serialize(), identity.NextSequenceId, cancellationToken).ConfigureAwait(false);
            return $"could not open the session: {error.Message}";
        }
        await _client.WritePacketAsync(OkPacket.Create(ServerStatusFlags.Autocommit), identity.NextSequenceId, cancellationToken).ConfigureAwait(false);
        Log.SessionAuthenticated(_logger, _id, identity.User, _clientAddress, identity.Schema);
        return null;
    }

    /// <summary>Checks that <paramref name="schema"/> exists on the primary before telling the client it is in:
    /// an unknown database or an unreachable backend is reported at connect time, as a server would.</summary>
    private async Task<ErrPacket?> TryAcquireForSchemaAsync(string? schema, CancellationToken cancellationToken)
    {
        await _backends.ResetAsync(schema).ConfigureAwait(false);
        try
        {
            await _backends.AcquireAsync(RouteTarget.Primary, cancellationToken).ConfigureAwait(false);
            await _backends.ReleaseAsync(dirty: false).ConfigureAwait(false);
            return null;
        }
        catch (SessionStateException e)
        {
            _backends.Schema = null;
            return e.Error;
        }
        catch (BackendUnavailableException e)
        {
            return new ErrPacket(ErrorCodes.CannotConnect, ErrorCodes.StateCommunication, e.Message);
        }
        catch (NoWriterException e)
        {
            return new ErrPacket(ErrorCodes.CannotConnect, ErrorCodes.StateCommunication, e.Message);
        }
        catch (PoolExhaustedException e)
        {
            return new ErrPacket(ErrorCodes.ProxyUnavailable, ErrorCodes.StateGeneral, e.Message);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException)
        {
            await _backends.ReleaseAsync(dirty: true).ConfigureAwait(false);
            return new ErrPacket(ErrorCodes.ServerLost, ErrorCodes.StateCommunication, $"Switchyard: backend '{_context.Primary.Name}' failed while opening the session: {e.Message}");
        }
    }

    private async Task<string> CommandLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _client.Reader;
        while (true)
        {
            if (_draining && !_backends.InTransaction)
                return "proxy shutting down";
            // A connection kept for the next statement only goes back to the pool if the client does not send one soon.
            if (_backends.HoldsForNextOnly)
                (_holdTimer ??= new Timer(static state => ((PipeReader)state!).CancelPendingRead(), reader, Timeout.Infinite, Timeout.Infinite))
                    .Change(_context.Config.Routing.HoldForNextStatement, Timeout.InfiniteTimeSpan);
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                // The hold timer fired (possibly late, for an earlier statement: releasing again is harmless), or the
                // proxy began draining. Nothing is marked examined: bytes that arrived meanwhile are read again at once.
                reader.AdvanceTo(buffer.Start);
                await _backends.ReleaseIfHeldForNextOnlyAsync().ConfigureAwait(false);
                continue;
            }
            if (!PacketHeader.TryPeek(buffer, out var header) || buffer.Length < PacketHeader.Size + Math.Min(1, header.PayloadLength))
            {
                if (result.IsCompleted)
                    return buffer.IsEmpty ? "client closed the connection" : "client sent a truncated packet and closed the connection";
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            if (header.SequenceId != 0 || header.PayloadLength == 0 || header.PayloadLength > _context.Config.Limits.MaxPacketSize)
            {
                if (header.PayloadLength > _context.Config.Limits.MaxPacketSize)
                {
                    // Read the rest of this packet (not the ones after it) before answering: a client still writing it
                    // would otherwise hit a reset connection and never see the error.
                    reader.AdvanceTo(buffer.Start);
                    await DiscardAsync(PacketHeader.Size + (long)header.PayloadLength, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
                var (code, state, message) = header.PayloadLength > _context.Config.Limits.MaxPacketSize
                    ? (ErrorCodes.PacketTooLarge, ErrorCodes.StateCommunication, $"Got a packet bigger than 'max_packet_size' ({_context.Config.Limits.MaxPacketSize} bytes) configured in Switchyard")
                    : header.PayloadLength == 0
                        ? (ErrorCodes.NetReadError, ErrorCodes.StateCommunication, "Got an empty command packet")
                        : (ErrorCodes.NetPacketsOutOfOrder, ErrorCodes.StateCommunication, "Got packets out of order");
                return await ProtocolErrorAsync(code, state, message, (byte)(header.SequenceId + 1), cancellationToken).ConfigureAwait(false);
            }

            var command = (CommandCode)buffer.Slice(PacketHeader.Size, 1).FirstSpan[0];
            _commands++;
            switch (command)
            {
                case CommandCode.Quit:
                    reader.AdvanceTo(buffer.Slice(Math.Min(buffer.Length, PacketHeader.Size + (long)header.PayloadLength)).Start);
                    return "client quit";
                case CommandCode.ChangeUser:
                    reader.AdvanceTo(buffer.Start);
                    if (await ChangeUserAsync(cancellationToken).ConfigureAwait(false) is { } closeReason)
                        return closeReason;
                    break;
                case CommandCode.ResetConnection:
                    reader.AdvanceTo(buffer.Start);
                    await ResetConnectionAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case CommandCode.Query or CommandCode.InitDb or CommandCode.FieldList or CommandCode.Statistics or CommandCode.Ping
                    or CommandCode.SetOption or CommandCode.StmtPrepare or CommandCode.StmtExecute or CommandCode.StmtSendLongData
                    or CommandCode.StmtClose or CommandCode.StmtReset or CommandCode.StmtFetch:
                    if (await ForwardAsync(command, header, buffer, cancellationToken).ConfigureAwait(false) is { } endReason)
                        return endReason;
                    break;
                default:
                    reader.AdvanceTo(buffer.Start);
                    if (await RejectCommandAsync(command, cancellationToken).ConfigureAwait(false) is { } rejectReason)
                        return rejectReason;
                    break;
            }
        }
    }

    /// <summary>Reads and drops up to <paramref name="length"/> bytes from the client, for at most the client read
    /// timeout; stops early if the client closes.</summary>
    private async Task DiscardAsync(long length, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_context.Config.Limits.ClientReadTimeout);
        try
        {
            while (length > 0)
            {
                var result = await _client.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                var take = Math.Min(length, result.Buffer.Length);
                _client.Reader.AdvanceTo(result.Buffer.GetPosition(take));
                length -= take;
                if (result.IsCompleted)
                    return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            // The client stalled or left: the error is sent (or not) all the same, then the connection is closed.
        }
    }

    /// <summary>Consumes a command that will not be forwarded (so the next one is read correctly).</summary>
    private async Task SkipCommandAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        _client.Reader.AdvanceTo(buffer.Start);
        await _client.ReadPacketAsync((int)Math.Min(int.MaxValue, _context.Config.Limits.MaxPacketSize), cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> RejectCommandAsync(CommandCode command, CancellationToken cancellationToken)
    {
        var (payload, _, last) = await _client.ReadPacketAsync((int)Math.Min(int.MaxValue, _context.Config.Limits.MaxPacketSize), cancellationToken).ConfigureAwait(false);
        if (!Enum.IsDefined(command))
        {
            return await ProtocolErrorAsync(ErrorCodes.UnknownCommand, ErrorCodes.StateUnknownCommand,
                $"Unknown command 0x{(byte)command:X2}", (byte)(last + 1), cancellationToken).ConfigureAwait(false);
        }
        // Known, but meaningless through a proxy (replication, shutdown, killing a backend thread by id …).
        await _client.WritePacketAsync(new ErrPacket(ErrorCodes.NotSupportedYet, "42000",
            $"Switchyard does not support {command} (command 0x{(byte)command:X2}) through the proxy").Serialize(), (byte)(last + 1), cancellationToken).ConfigureAwait(false);
        _ = payload;
        return null;
    }

    private async Task<string> ProtocolErrorAsync(ushort code, string state, string message, byte sequenceId, CancellationToken cancellationToken)
    {
        Log.ProtocolError(_logger, _id, _clientAddress, message);
        try
        {
            await _client.WritePacketAsync(new ErrPacket(code, state, message).Serialize(), sequenceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The client is gone as well; nothing more to tell it.
        }
        return $"protocol error: {message}";
    }

    /// <summary>COM_CHANGE_USER: authenticate the new user against the proxy's users, then give the session a
    /// clean backend connection (the backend identity is the proxy's own and does not change).</summary>
    private async Task<string?> ChangeUserAsync(CancellationToken cancellationToken)
    {
        var identity = _identity!;
        var (payload, _, last) = await _client.ReadPacketAsync(MaxControlPacket, cancellationToken).ConfigureAwait(false);
        ChangeUserRequest request;
        try
        {
            request = ChangeUserRequest.Parse(payload, identity.Capabilities);
        }
        catch (ProtocolException e)
        {
            return await ProtocolErrorAsync(ErrorCodes.HandshakeError, ErrorCodes.StateCommunication, $"Malformed COM_CHANGE_USER: {e.Message}", (byte)(last + 1), cancellationToken).ConfigureAwait(false);
        }

        var next = (byte)(last + 1);
        var token = request.AuthResponse;
        var scramble = identity.Scramble;
        if (request.AuthPluginName is { } plugin && plugin != AuthPlugins.NativePassword || (identity.Capabilities & CapabilityFlags.PluginAuth) != 0 && request.AuthPluginName is null && token.Length is not (0 or 20))
        {
            scramble = NativePassword.CreateScramble();
            await _client.WritePacketAsync(new AuthSwitchRequest(AuthPlugins.NativePassword, scramble).Serialize(), next, cancellationToken).ConfigureAwait(false);
            (token, _, last) = await _client.ReadPacketAsync(MaxControlPacket, cancellationToken).ConfigureAwait(false);
            next = (byte)(last + 1);
        }

        if (!_context.Users.Verify(request.UserName, token, scramble))
        {
            Log.AccessDenied(_logger, _id, _clientAddress, request.UserName, "COM_CHANGE_USER");
            // MariaDB keeps the connection open after a failed change of user: still the previous user, still in
            // its database, but with the session state (user variables, session variables) cleared. A
            // COM_RESET_CONNECTION has exactly those semantics.
            CloseAllStatements();
            _consistency.ResetSessionSettings();
            await _backends.ResetAsync(_backends.Schema).ConfigureAwait(false);
            await _client.WritePacketAsync(new ErrPacket(ErrorCodes.AccessDenied, ErrorCodes.StateAccessDenied,
                ClientHandshake.AccessDeniedMessage(request.UserName, _clientHost, token.Length > 0)).Serialize(), next, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var collation = request.Collation is { } c and > 0 and < 256 ? (byte)c : identity.Collation;
        _identity = identity with { User = request.UserName, Schema = request.Database, Collation = collation, Scramble = scramble };
        _consistency.UserChanged(request.UserName);
        _backends.Profile = ConnectionProfile.For(identity.Capabilities, collation);
        _backends.Collation = collation;
        CloseAllStatements();
        var error = await TryAcquireForSchemaAsync(request.Database, cancellationToken).ConfigureAwait(false);
        await _client.WritePacketAsync(error?.Serialize() ?? OkPacket.Create(ServerStatusFlags.Autocommit), next, cancellationToken).ConfigureAwait(false);
        if (error is null)
            Log.UserChanged(_logger, _id, request.UserName, request.Database);
        return null;
    }

    /// <summary>COM_RESET_CONNECTION: the session's state, pins and prepared statements are dropped; the current
    /// database stays, as on the server.</summary>
    private async Task ResetConnectionAsync(CancellationToken cancellationToken)
    {
        var (_, _, last) = await _client.ReadPacketAsync(MaxControlPacket, cancellationToken).ConfigureAwait(false);
        CloseAllStatements();
        _consistency.ResetSessionSettings();
        await _backends.ResetAsync(_backends.Schema).ConfigureAwait(false);
        await _client.WritePacketAsync(OkPacket.Create(ServerStatusFlags.Autocommit), (byte)(last + 1), cancellationToken).ConfigureAwait(false);
    }

    private void LogStatement(CommandCode command, ReadOnlySequence<byte> buffer)
    {
        if (command is not (CommandCode.Query or CommandCode.StmtPrepare))
        {
            if (TryReadStatementId(buffer, out var id))
                Log.Statement(_logger, _id, command.ToString(), $"#{id}");
            return;
        }
        var max = _context.Config.Logging.MaxSqlLength;
        var available = buffer.Slice(PacketHeader.Size + 1);
        var text = Encoding.UTF8.GetString(available.Slice(0, Math.Min(available.Length, max)));
        Log.Statement(_logger, _id, command.ToString(), text.Length >= max ? text + "…" : text);
    }

    public async ValueTask DisposeAsync()
    {
        if (_holdTimer is not null)
            await _holdTimer.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
