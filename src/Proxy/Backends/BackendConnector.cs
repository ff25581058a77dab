using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.Handshake;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Configuration;
using Switchyard.Routing.Sessions;
using Switchyard.Proxy.Logging;
using Switchyard.Proxy.Transport;

namespace Switchyard.Proxy.Backends;

/// <summary>Opens and authenticates backend connections with the proxy's own credentials, within bounded
/// connect and handshake times (a SIGSTOP'd server accepts TCP but never greets).</summary>
/// <param name="trackLastGtid">Read-your-writes in gtid mode: primary connections that negotiated CLIENT_SESSION_TRACK
/// get last_gtid added to session_track_system_variables (MariaDB) or session_track_gtids = OWN_GTID (MySQL), so each
/// commit's OK names its GTID.</param>
internal sealed class BackendConnector(BackendCredentials credentials, BackendTimeouts timeouts, ILogger logger, bool trackLastGtid = false)
{
    /// <summary>Adds last_gtid to what the server tracks, keeping its other tracked variables (the client may rely on
    /// them); CONCAT_WS with NULLIF avoids a leading comma when the list is empty.</summary>
    private static readonly byte[] TrackLastGtid = System.Text.Encoding.ASCII.GetBytes(
        "SET SESSION session_track_system_variables = CONCAT_WS(',', NULLIF(@@session.session_track_system_variables, ''), 'last_gtid')");

    /// <summary>MySQL has no last_gtid: OWN_GTID makes the OK of each committing statement carry a SESSION_TRACK_GTIDS
    /// entry with the GTID(s) that statement's commit produced (nothing when nothing was binlogged).</summary>
    private static readonly byte[] TrackOwnGtids = System.Text.Encoding.ASCII.GetBytes("SET SESSION session_track_gtids = OWN_GTID");

    public BackendTimeouts Timeouts => timeouts;

    private const int MaxHandshakePacket = 64 * 1024;

    public async Task<BackendConnection> ConnectAsync(BackendEndpoint endpoint, ConnectionProfile profile, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await ConnectCoreAsync(endpoint, profile, started, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendUnavailableException e)
        {
            Log.BackendConnectFailed(logger, endpoint.Name, endpoint.Address, e.Reason);
            throw;
        }
    }

    private async Task<BackendConnection> ConnectCoreAsync(BackendEndpoint endpoint, ConnectionProfile profile, long started, CancellationToken cancellationToken)
    {
        var path = endpoint.Config.Socket;
        var transport = path is null ? "TCP" : "Unix socket";
        PacketChannel channel;
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(timeouts.Connect);
            try
            {
                channel = await ChannelConnector.ConnectAsync(endpoint.Config.Host, endpoint.Config.Port, path, connectTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BackendUnavailableException(endpoint, $"{transport} connect timed out after {timeouts.Connect.TotalMilliseconds:0} ms");
            }
            catch (SocketException e)
            {
                var reason = e.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    // connect(2) on a Unix socket path that does not exist fails with ENOENT.
                    SocketError.AddressNotAvailable when path is not null => "the socket file does not exist (is the server running?)",
                    SocketError.AccessDenied when path is not null => "permission denied on the socket file",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.TimedOut => $"{transport} connect timed out",
                    _ => e.Message,
                };
                throw new BackendUnavailableException(endpoint, reason, e);
            }
        }

        using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        handshakeTimeout.CancelAfter(timeouts.Handshake);
        try
        {
            var (greetingPayload, _, _) = await channel.ReadPacketAsync(MaxHandshakePacket, handshakeTimeout.Token).ConfigureAwait(false);
            var greeting = InitialHandshake.Parse(greetingPayload);
            var capabilities = ConnectionProfile.Base | (profile.Capabilities & greeting.Capabilities);
            var response = new HandshakeResponse
            {
                Capabilities = capabilities,
                MaxPacketSize = 1 << 30,
                CharacterSet = profile.Collation,
                UserName = credentials.User,
                AuthResponse = NativePassword.ComputeToken(credentials.Password, greeting.Scramble),
                AuthPluginName = AuthPlugins.NativePassword,
            };
            await channel.WritePacketAsync(response.Serialize(), 1, handshakeTimeout.Token).ConfigureAwait(false);
            await AuthenticateAsync(endpoint, channel, 3, handshakeTimeout.Token).ConfigureAwait(false);

            endpoint.LastGreeting = new BackendGreeting(greeting.ServerVersion, greeting.Capabilities, greeting.IsMariaDb, greeting.CharacterSet);
            var connection = new BackendConnection(endpoint, channel, greeting.ConnectionId, profile, greeting.Scramble, Stopwatch.GetTimestamp())
            {
                IsMySql = !ServerVersionText.IsMariaDb(greeting.ServerVersion),
            };
            await EnableGtidTrackingAsync(connection, handshakeTimeout.Token).ConfigureAwait(false);
            var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.BackendConnected(logger, endpoint.Name, endpoint.Address, greeting.ConnectionId, elapsedMs, greeting.ServerVersion);
            return connection;
        }
        catch (Exception e)
        {
            channel.Abort();
            await channel.DisposeAsync().ConfigureAwait(false);
            throw e switch
            {
                BackendUnavailableException => e,
                OperationCanceledException when !cancellationToken.IsCancellationRequested =>
                    new BackendUnavailableException(endpoint, $"no complete handshake within {timeouts.Handshake.TotalMilliseconds:0} ms (server hung or overloaded)"),
                OperationCanceledException => e,
                EndOfStreamException or IOException or SocketException => new BackendUnavailableException(endpoint, $"connection lost during handshake: {e.Message}", e),
                ProtocolException => new BackendUnavailableException(endpoint, e.Message, e),
                _ => e,
            };
        }
    }

    /// <summary>
    /// Returns a used connection to a fresh state with COM_CHANGE_USER to the proxy's own user: unlike
    /// COM_RESET_CONNECTION (which keeps the current database on MariaDB), it also drops the schema, so no
    /// client ever inherits another client's `USE`.
    /// </summary>
    public async Task ResetAsync(BackendConnection connection, CancellationToken cancellationToken)
    {
        var request = new ChangeUserRequest
        {
            UserName = credentials.User,
            AuthResponse = NativePassword.ComputeToken(credentials.Password, connection.Scramble),
            Collation = connection.Profile.Collation,
            AuthPluginName = AuthPlugins.NativePassword,
        };
        try
        {
            await connection.Channel.WritePacketAsync(request.Serialize(ConnectionProfile.Base), 0, cancellationToken).ConfigureAwait(false);
            await AuthenticateAsync(connection.Endpoint, connection.Channel, 2, cancellationToken).ConfigureAwait(false);
            connection.Schema = null;
            connection.AppliedState = SessionState.Empty;
            connection.Statements.Clear(); // the server dropped them with the session
            // COM_CHANGE_USER reset session_track_system_variables (and MySQL's session_track_gtids) too.
            connection.TracksLastGtid = false;
            await EnableGtidTrackingAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.MarkBroken();
            throw;
        }
    }

    /// <summary>One extra round trip per new (or reset) primary connection in gtid mode: last_gtid tracking on MariaDB,
    /// session_track_gtids = OWN_GTID on MySQL. A server that refuses leaves the connection untracked: writes then learn
    /// their GTID with SELECT @@last_gtid (MySQL: @@global.gtid_executed), or fall back to the time rule.</summary>
    private async Task EnableGtidTrackingAsync(BackendConnection connection, CancellationToken cancellationToken)
    {
        if (!trackLastGtid || !connection.Endpoint.IsPrimary || (connection.Profile.Capabilities & CapabilityFlags.SessionTrack) == 0)
            return;
        if (connection.IsMySql)
        {
            // Without gtid_mode=ON a MySQL write may get no GTID (anonymous), and no SESSION_TRACK_GTIDS entry would read
            // as "nothing binlogged": a silently weaker guarantee. Such a primary stays untracked (see NoteWriteAsync).
            var (mode, modeError) = await connection.QueryScalarAsync("SELECT @@global.gtid_mode", cancellationToken).ConfigureAwait(false);
            if (modeError is not null || !string.Equals(mode, "ON", StringComparison.OrdinalIgnoreCase))
            {
                Log.GtidTrackingRefused(logger, connection.Endpoint.Name, connection.ConnectionId,
                    modeError is not null ? $"{modeError.ErrorCode} {modeError.Message}" : $"gtid_mode is {mode ?? "NULL"}, not ON");
                return;
            }
        }
        var error = await connection.RunSimpleCommandAsync(CommandCode.Query, connection.IsMySql ? TrackOwnGtids : TrackLastGtid, cancellationToken).ConfigureAwait(false);
        connection.TracksLastGtid = error is null;
        if (error is not null)
            Log.GtidTrackingRefused(logger, connection.Endpoint.Name, connection.ConnectionId, $"{error.ErrorCode} {error.Message}");
    }

    private async Task AuthenticateAsync(BackendEndpoint endpoint, PacketChannel channel, int rounds, CancellationToken cancellationToken)
    {
        for (var round = 0; round < rounds; round++)
        {
            var (payload, sequenceId, _) = await channel.ReadPacketAsync(MaxHandshakePacket, cancellationToken).ConfigureAwait(false);
            switch (payload.Length > 0 ? payload[0] : (byte)0xFF)
            {
                case OkPacket.Header:
                    return;
                case ErrPacket.Header:
                    var error = ErrPacket.Parse(payload);
                    throw new BackendUnavailableException(endpoint, $"authentication as '{credentials.User}' failed: {error.ErrorCode} {error.Message}");
                case AuthSwitchRequest.Header:
                    var request = AuthSwitchRequest.Parse(payload);
                    if (request.PluginName != AuthPlugins.NativePassword)
                        throw new BackendUnavailableException(endpoint, $"backend user '{credentials.User}' uses auth plugin '{request.PluginName}'; Switchyard supports mysql_native_password on backends");
                    var token = NativePassword.ComputeToken(credentials.Password, request.PluginData);
                    await channel.WritePacketAsync(token, (byte)(sequenceId + 1), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new BackendUnavailableException(endpoint, $"unexpected authentication packet 0x{payload[0]:X2}");
            }
        }
        throw new BackendUnavailableException(endpoint, "authentication did not finish");
    }
}
