using Switchyard.Protocol;
using Switchyard.Protocol.Authentication;
using Switchyard.Protocol.Handshake;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Transport;

namespace Switchyard.Proxy.Sessions;

/// <summary>
/// Greets a client as a MariaDB server would (the backend's own version string and character set) and
/// authenticates it with mysql_native_password. A client that starts with another plugin
/// (caching_sha2_password, client_ed25519) is switched to mysql_native_password with an AuthSwitchRequest.
/// </summary>
internal sealed class ClientHandshake(PacketChannel client, UserDirectory users, uint sessionId, string clientHost)
{
    private const int MaxHandshakePacket = 64 * 1024;

    /// <summary>Capabilities the proxy can honour on any pooled backend connection. Not offered: SSL (until TLS
    /// lands), compression, query attributes, and MariaDB's extended capabilities (bulk, metadata cache,
    /// progress) that change framing.</summary>
    public static CapabilityFlags AdvertisedCapabilities(BackendGreeting? backend)
    {
        const CapabilityFlags offered = ConnectionProfile.Mask | ConnectionProfile.Base |
            CapabilityFlags.ConnectWithDb | CapabilityFlags.ConnectAttributes | CapabilityFlags.IgnoreSigpipe;
        var capabilities = backend is null ? offered & ~CapabilityFlags.LongPassword : backend.Capabilities & offered;
        // MariaDB servers clear LongPassword (CLIENT_MYSQL) to say "extended capabilities follow"; keep that shape.
        if (backend is { IsMariaDb: true })
            capabilities &= ~CapabilityFlags.LongPassword;
        return capabilities;
    }

    public sealed record Outcome(ClientIdentity? Identity, string? FailureReason, string? AttemptedUser = null);

    public async Task<Outcome> RunAsync(string serverVersion, BackendGreeting? backend, CancellationToken cancellationToken)
    {
        var scramble = NativePassword.CreateScramble();
        var advertised = AdvertisedCapabilities(backend);
        var greeting = new InitialHandshake
        {
            ServerVersion = serverVersion,
            ConnectionId = sessionId,
            Scramble = scramble,
            Capabilities = advertised,
            CharacterSet = backend?.CharacterSet is > 0 ? backend.CharacterSet : (byte)45,
            Status = ServerStatusFlags.Autocommit,
            AuthPluginName = AuthPlugins.NativePassword,
        };
        await client.WritePacketAsync(greeting.Serialize(), 0, cancellationToken).ConfigureAwait(false);

        var (payload, sequenceId, lastSequenceId) = await client.ReadPacketAsync(MaxHandshakePacket, cancellationToken).ConfigureAwait(false);
        if (sequenceId != 1)
            return await FailAsync(ErrorCodes.NetPacketsOutOfOrder, ErrorCodes.StateCommunication, "Got packets out of order", 1, $"handshake response had sequence id {sequenceId}", cancellationToken).ConfigureAwait(false);
        if (HandshakeResponse.IsSslRequest(payload))
            return await FailAsync(ErrorCodes.HandshakeError, ErrorCodes.StateCommunication, "Switchyard does not offer TLS yet; connect without SSL", 2, "client asked for TLS", cancellationToken).ConfigureAwait(false);

        HandshakeResponse response;
        try
        {
            response = HandshakeResponse.Parse(payload);
        }
        catch (ProtocolException e)
        {
            return await FailAsync(ErrorCodes.HandshakeError, ErrorCodes.StateCommunication, "Bad handshake", (byte)(lastSequenceId + 1), e.Message, cancellationToken).ConfigureAwait(false);
        }

        var next = (byte)(lastSequenceId + 1);
        var token = response.AuthResponse;
        var clientPlugin = response.AuthPluginName;
        if ((response.Capabilities & CapabilityFlags.PluginAuth) != 0 && clientPlugin is not null && clientPlugin != AuthPlugins.NativePassword)
        {
            // The client hashed for another plugin: ask it to use mysql_native_password with the same scramble.
            await client.WritePacketAsync(new AuthSwitchRequest(AuthPlugins.NativePassword, scramble).Serialize(), next, cancellationToken).ConfigureAwait(false);
            (token, sequenceId, lastSequenceId) = await client.ReadPacketAsync(MaxHandshakePacket, cancellationToken).ConfigureAwait(false);
            if (sequenceId != (byte)(next + 1))
                return await FailAsync(ErrorCodes.NetPacketsOutOfOrder, ErrorCodes.StateCommunication, "Got packets out of order", (byte)(sequenceId + 1), "auth switch response out of order", cancellationToken).ConfigureAwait(false);
            next = (byte)(lastSequenceId + 1);
        }

        if (!users.Verify(response.UserName, token, scramble))
        {
            var reason = users.Exists(response.UserName) ? "wrong password" : "unknown user";
            var denied = await FailAsync(ErrorCodes.AccessDenied, ErrorCodes.StateAccessDenied,
                AccessDeniedMessage(response.UserName, clientHost, token.Length > 0), next, reason, cancellationToken).ConfigureAwait(false);
            return denied with { AttemptedUser = response.UserName };
        }

        var capabilities = response.Capabilities & advertised;
        return new Outcome(new ClientIdentity(response.UserName, capabilities, response.CharacterSet, response.Database, scramble, next), null);
    }

    /// <summary>MariaDB's own wording, so that tools matching on it keep working.</summary>
    public static string AccessDeniedMessage(string user, string host, bool usingPassword) =>
        $"Access denied for user '{user}'@'{host}' (using password: {(usingPassword ? "YES" : "NO")})";

    private async Task<Outcome> FailAsync(ushort code, string state, string message, byte sequenceId, string reason, CancellationToken cancellationToken)
    {
        await client.WritePacketAsync(new ErrPacket(code, state, message).Serialize(), sequenceId, cancellationToken).ConfigureAwait(false);
        return new Outcome(null, reason);
    }
}
