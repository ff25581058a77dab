using System.Text;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Transport;
using Switchyard.Proxy.Statements;
using Switchyard.Routing.Sessions;

namespace Switchyard.Proxy.Backends;

/// <summary>An authenticated connection to one backend, owned by at most one client session at a time.</summary>
internal sealed class BackendConnection(BackendEndpoint endpoint, PacketChannel channel, uint connectionId, ConnectionProfile profile, byte[] scramble, long createdTimestamp) : IAsyncDisposable
{
    public BackendEndpoint Endpoint { get; } = endpoint;
    public PacketChannel Channel { get; } = channel;
    /// <summary>The server's thread id (what SHOW PROCESSLIST and CONNECTION_ID() show).</summary>
    public uint ConnectionId { get; } = connectionId;
    public ConnectionProfile Profile { get; } = profile;
    /// <summary>The greeting's scramble: COM_CHANGE_USER authenticates against it.</summary>
    public byte[] Scramble { get; } = scramble;
    public long CreatedTimestamp { get; } = createdTimestamp;
    public long LastUsedTimestamp { get; set; } = createdTimestamp;

    /// <summary>Set when the connection's protocol state is unknown (a command was cut off): never reuse it.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>Schema the connection is in, as far as the proxy knows (null: none or unknown).</summary>
    public string? Schema { get; set; }

    /// <summary>The movable session state (SET SESSION variables, names, isolation) last applied on the
    /// connection; the next session that leases it replays only the difference to its own.</summary>
    public SessionState AppliedState { get; set; } = SessionState.Empty;

    /// <summary>Statements prepared on this connection, by SQL text (shared by every session that leases it).</summary>
    public BackendStatementCache Statements { get; } = new();

    public void MarkBroken() => IsBroken = true;

    /// <summary>The server reports the GTID of each committed write in the session state of its OK packets on this
    /// connection (a primary connection with CLIENT_SESSION_TRACK, in gtid mode): MariaDB as the tracked variable
    /// last_gtid, MySQL as a SESSION_TRACK_GTIDS entry (see <see cref="IsMySql"/> and BackendConnector).</summary>
    public bool TracksLastGtid { get; set; }

    /// <summary>The server is MySQL (its greeting's version does not name MariaDB): its writes' GTIDs are learned from
    /// session_track_gtids or @@global.gtid_executed instead of MariaDB's last_gtid.</summary>
    public bool IsMySql { get; init; }

    /// <summary>The @@last_gtid value (MySQL: @@global.gtid_executed) the proxy last learned on this connection: after
    /// a write, an unchanged value means nothing new was binlogged.</summary>
    public string? LastSeenGtid { get; set; }

    /// <summary>Runs one text query for the proxy's own use and returns the first column of its first row (null for
    /// SQL NULL or no row), or the server's ERR. Reads the result set to its end (honouring DEPRECATE_EOF) so the
    /// connection stays usable; the value is the only thing decoded.</summary>
    public async ValueTask<(string? Value, ErrPacket? Error)> QueryScalarAsync(string sql, CancellationToken cancellationToken)
    {
        var payload = new byte[1 + Encoding.UTF8.GetByteCount(sql)];
        payload[0] = (byte)CommandCode.Query;
        Encoding.UTF8.GetBytes(sql, payload.AsSpan(1));
        try
        {
            await Channel.WritePacketAsync(payload, 0, cancellationToken).ConfigureAwait(false);
            var (first, _, _) = await Channel.ReadPacketAsync(1 << 20, cancellationToken).ConfigureAwait(false);
            if (first.Length > 0 && first[0] == ErrPacket.Header)
                return (null, ErrPacket.Parse(first));
            if (first.Length > 0 && first[0] == OkPacket.Header)
                return (null, null);
            var columns = ReadColumnCount(first);
            for (ulong i = 0; i < columns + (Profile.DeprecateEof ? 0UL : 1UL); i++)
                await Channel.ReadPacketAsync(1 << 20, cancellationToken).ConfigureAwait(false);
            string? value = null;
            var rows = 0;
            while (true)
            {
                var (packet, _, _) = await Channel.ReadPacketAsync(1 << 24, cancellationToken).ConfigureAwait(false);
                if (packet.Length > 0 && packet[0] == ErrPacket.Header)
                    return (null, ErrPacket.Parse(packet));
                if (packet.Length > 0 && packet[0] == EofPacket.Header && packet.Length < 0xFFFFFF && (Profile.DeprecateEof || packet.Length <= EofPacket.MaxPayloadLength))
                    return (value, null);
                if (rows++ == 0)
                    value = FirstValue(packet);
            }
        }
        catch
        {
            MarkBroken();
            throw;
        }
    }

    private static ulong ReadColumnCount(byte[] packet)
    {
        var reader = new Protocol.Primitives.PayloadReader(packet);
        return reader.ReadLengthEncodedInteger();
    }

    private static string? FirstValue(byte[] row)
    {
        if (row.Length == 0 || row[0] == 0xFB)
            return null;
        var reader = new Protocol.Primitives.PayloadReader(row);
        return Encoding.UTF8.GetString(reader.ReadLengthEncodedBytes());
    }

    /// <summary>Runs a command whose answer is one OK/ERR packet, for the proxy's own bookkeeping
    /// (COM_RESET_CONNECTION, COM_INIT_DB). Returns the ERR, or null on OK.</summary>
    public async ValueTask<ErrPacket?> RunSimpleCommandAsync(CommandCode command, ReadOnlyMemory<byte> argument, CancellationToken cancellationToken)
    {
        var payload = new byte[1 + argument.Length];
        payload[0] = (byte)command;
        argument.Span.CopyTo(payload.AsSpan(1));
        try
        {
            await Channel.WritePacketAsync(payload, 0, cancellationToken).ConfigureAwait(false);
            var (response, _, _) = await Channel.ReadPacketAsync(1 << 20, cancellationToken).ConfigureAwait(false);
            if (response.Length > 0 && response[0] == ErrPacket.Header)
                return ErrPacket.Parse(response);
            if (response.Length == 0 || (response[0] != OkPacket.Header && response[0] != OkPacket.EofHeader))
                throw new InvalidDataException($"unexpected answer 0x{(response.Length > 0 ? response[0] : 0):X2} to {command}");
            return null;
        }
        catch
        {
            MarkBroken();
            throw;
        }
    }

    /// <summary>Prepares <paramref name="sql"/> for the proxy's own use (a client statement executed on a connection
    /// that has not prepared it yet): the definitions that follow PREPARE_OK are read and dropped.</summary>
    public async ValueTask<(uint Id, ushort Parameters, ErrPacket? Error)> PrepareAsync(string sql, CancellationToken cancellationToken)
    {
        var payload = new byte[1 + Encoding.UTF8.GetByteCount(sql)];
        payload[0] = (byte)CommandCode.StmtPrepare;
        Encoding.UTF8.GetBytes(sql, payload.AsSpan(1));
        try
        {
            await Channel.WritePacketAsync(payload, 0, cancellationToken).ConfigureAwait(false);
            var (first, _, _) = await Channel.ReadPacketAsync(1 << 20, cancellationToken).ConfigureAwait(false);
            if (first.Length > 0 && first[0] == ErrPacket.Header)
                return (0, 0, ErrPacket.Parse(first));
            if (!StmtPrepareOk.TryParse(first, out var ok))
                throw new InvalidDataException("malformed COM_STMT_PREPARE_OK");
            var eof = Profile.DeprecateEof ? 0 : 1;
            var follow = (ok.ParameterCount > 0 ? ok.ParameterCount + eof : 0) + (ok.ColumnCount > 0 ? ok.ColumnCount + eof : 0);
            for (var i = 0; i < follow; i++)
                await Channel.ReadPacketAsync(1 << 24, cancellationToken).ConfigureAwait(false);
            return (ok.StatementId, ok.ParameterCount, null);
        }
        catch
        {
            MarkBroken();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Channel.DisposeAsync();
}
