using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Switchyard.IntegrationTests.Support;

/// <summary>
/// A deliberately small MySQL client over a raw socket, written independently of the proxy's codec, for what
/// MySqlConnector cannot do: malformed input, hand-made handshakes, COM_STMT_SEND_LONG_DATA, cursors,
/// COM_CHANGE_USER. It does not ask for CLIENT_DEPRECATE_EOF, so result sets end with EOF packets.
/// </summary>
internal sealed class RawMySqlClient : IAsyncDisposable
{
    // Capability bits, see https://mariadb.com/kb/en/connection/#capabilities
    public const uint LongPassword = 1, FoundRows = 2, LongFlag = 4, ConnectWithDb = 8, Protocol41 = 0x200,
        Transactions = 0x2000, SecureConnection = 0x8000, MultiStatements = 0x10000, MultiResults = 0x20000,
        PsMultiResults = 0x40000, PluginAuth = 0x80000, PluginAuthLenencData = 0x200000;

    public const uint DefaultCapabilities = LongPassword | FoundRows | LongFlag | Protocol41 | Transactions |
        SecureConnection | MultiStatements | MultiResults | PsMultiResults | PluginAuth | PluginAuthLenencData;

    public const byte ComQuit = 0x01, ComQuery = 0x03, ComPing = 0x0E, ComChangeUser = 0x11, ComStmtPrepare = 0x16,
        ComStmtExecute = 0x17, ComStmtSendLongData = 0x18, ComStmtClose = 0x19, ComStmtReset = 0x1A,
        ComStmtFetch = 0x1C, ComResetConnection = 0x1F;

    public const ushort StatusCursorExists = 0x40, StatusLastRowSent = 0x80;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _header = new byte[4];

    private RawMySqlClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>The scramble of the server's greeting (20 bytes).</summary>
    public byte[] Scramble { get; private set; } = [];
    public uint ConnectionId { get; private set; }
    public byte[] Greeting { get; private set; } = [];

    public static async Task<RawMySqlClient> ConnectAsync(int port, bool readGreeting = true)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(Cluster.Host, port);
        var client = new RawMySqlClient(tcp);
        if (readGreeting)
            await client.ReadGreetingAsync();
        return client;
    }

    /// <summary>Connects and logs in with mysql_native_password; throws if the server does not answer OK.</summary>
    public static async Task<RawMySqlClient> LoginAsync(int port, string user, string password, string? database = null)
    {
        var client = await ConnectAsync(port);
        var answer = await client.AuthenticateAsync(user, password, database);
        if (answer[0] != 0x00)
            throw new InvalidOperationException($"login failed: {Describe(answer)}");
        return client;
    }

    public async Task ReadGreetingAsync()
    {
        var (_, greeting) = await ReadPacketAsync();
        Greeting = greeting;
        if (greeting[0] != 10)
            throw new InvalidOperationException($"not a protocol-10 greeting: {Describe(greeting)}");
        var pos = Array.IndexOf(greeting, (byte)0, 1) + 1; // after the version string
        ConnectionId = BinaryPrimitives.ReadUInt32LittleEndian(greeting.AsSpan(pos));
        var part1 = greeting.AsSpan(pos + 4, 8).ToArray();
        pos += 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 6 + 4; // filler, caps, charset, status, caps, auth len, reserved, mariadb caps
        var part2 = greeting.AsSpan(pos, 12).ToArray();
        Scramble = [.. part1, .. part2];
    }

    /// <summary>Sends a HandshakeResponse41 naming <paramref name="plugin"/> with a token for that plugin (only
    /// mysql_native_password tokens are computed; others get 32 random bytes). Answers an AuthSwitchRequest to
    /// mysql_native_password. Returns the final OK or ERR payload; <see cref="SwitchedTo"/> tells whether a switch came.</summary>
    public async Task<byte[]> AuthenticateAsync(string user, string password, string? database = null,
        string plugin = "mysql_native_password", uint capabilities = DefaultCapabilities, byte collation = 45)
    {
        if (database is not null)
            capabilities |= ConnectWithDb;
        var token = plugin == "mysql_native_password" ? NativeToken(password, Scramble) : RandomNumberGenerator.GetBytes(32);
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(capabilities));
        payload.AddRange(BitConverter.GetBytes(16 * 1024 * 1024));
        payload.Add(collation);
        payload.AddRange(new byte[23]);
        payload.AddRange(Encoding.UTF8.GetBytes(user));
        payload.Add(0);
        payload.Add((byte)token.Length);
        payload.AddRange(token);
        if (database is not null)
        {
            payload.AddRange(Encoding.UTF8.GetBytes(database));
            payload.Add(0);
        }
        payload.AddRange(Encoding.ASCII.GetBytes(plugin));
        payload.Add(0);
        await WritePacketAsync(payload.ToArray(), 1);
        return await FinishAuthenticationAsync(password);
    }

    /// <summary>The plugin named by an AuthSwitchRequest during the last authentication, if any.</summary>
    public string? SwitchedTo { get; private set; }

    private async Task<byte[]> FinishAuthenticationAsync(string password)
    {
        SwitchedTo = null;
        var (sequenceId, answer) = await ReadPacketAsync();
        if (answer[0] != 0xFE)
            return answer;
        var nul = Array.IndexOf(answer, (byte)0, 1);
        SwitchedTo = Encoding.ASCII.GetString(answer, 1, nul - 1);
        var data = answer.AsSpan(nul + 1).ToArray();
        if (data.Length > 0 && data[^1] == 0)
            data = data[..^1];
        if (SwitchedTo != "mysql_native_password")
            throw new InvalidOperationException($"cannot answer an auth switch to {SwitchedTo}");
        await WritePacketAsync(NativeToken(password, data), (byte)(sequenceId + 1));
        return (await ReadPacketAsync()).Payload;
    }

    /// <summary>COM_CHANGE_USER with a mysql_native_password token over the current scramble.</summary>
    public async Task<byte[]> ChangeUserAsync(string user, string password, string? database)
    {
        var token = NativeToken(password, Scramble);
        var payload = new List<byte> { ComChangeUser };
        payload.AddRange(Encoding.UTF8.GetBytes(user));
        payload.Add(0);
        payload.Add((byte)token.Length);
        payload.AddRange(token);
        payload.AddRange(Encoding.UTF8.GetBytes(database ?? ""));
        payload.Add(0);
        payload.AddRange(BitConverter.GetBytes((ushort)45));
        payload.AddRange(Encoding.ASCII.GetBytes("mysql_native_password"));
        payload.Add(0);
        await WritePacketAsync(payload.ToArray(), 0);
        return await FinishAuthenticationAsync(password);
    }

    public static byte[] NativeToken(string password, byte[] scramble)
    {
        if (password.Length == 0)
            return [];
        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var stage2 = SHA1.HashData(stage1);
        var mix = SHA1.HashData([.. scramble.AsSpan(0, 20), .. stage2]);
        for (var i = 0; i < mix.Length; i++)
            mix[i] ^= stage1[i];
        return mix;
    }

    // ---- packets ----

    public async Task WritePacketAsync(byte[] payload, byte sequenceId)
    {
        var offset = 0;
        while (true)
        {
            var chunk = Math.Min(payload.Length - offset, 0xFFFFFF);
            var header = new byte[] { (byte)chunk, (byte)(chunk >> 8), (byte)(chunk >> 16), sequenceId++ };
            await _stream.WriteAsync(header);
            await _stream.WriteAsync(payload.AsMemory(offset, chunk));
            offset += chunk;
            if (chunk < 0xFFFFFF)
                break;
        }
        await _stream.FlushAsync();
    }

    public ValueTask WriteRawAsync(byte[] bytes) => _stream.WriteAsync(bytes);

    public Task CommandAsync(byte command, ReadOnlySpan<byte> argument) => WritePacketAsync([command, .. argument], 0);

    public Task QueryAsync(string sql) => CommandAsync(ComQuery, Encoding.UTF8.GetBytes(sql));

    /// <summary>Reads one physical packet; throws EndOfStreamException when the peer closed the connection.</summary>
    public async Task<(byte SequenceId, byte[] Payload)> ReadPacketAsync(CancellationToken cancellationToken = default)
    {
        await _stream.ReadExactlyAsync(_header, cancellationToken);
        var length = _header[0] | _header[1] << 8 | _header[2] << 16;
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancellationToken);
        return (_header[3], payload);
    }

    /// <summary>Reads a packet into a reused buffer and returns only its length and first byte (for large
    /// results whose content does not matter).</summary>
    public async Task<(int Length, byte First)> SkipPacketAsync(byte[] scratch)
    {
        await _stream.ReadExactlyAsync(_header);
        var length = _header[0] | _header[1] << 8 | _header[2] << 16;
        byte first = 0;
        for (var left = length; left > 0;)
        {
            var n = await _stream.ReadAsync(scratch.AsMemory(0, Math.Min(left, scratch.Length)));
            if (n == 0)
                throw new EndOfStreamException();
            if (left == length)
                first = scratch[0];
            left -= n;
        }
        return (length, first);
    }

    /// <summary>True when the server closed the connection (EOF or reset) within <paramref name="timeout"/>;
    /// any packet that arrives first is returned through <paramref name="packets"/>.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout, List<byte[]>? packets = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var (_, payload) = await ReadPacketAsync(cts.Token);
                packets?.Add(payload);
            }
        }
        catch (EndOfStreamException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // ---- responses ----

    /// <summary>Reads a text-protocol response: OK, ERR, or one result set (column definitions, EOF, rows, EOF).
    /// Returns the rows (NULL as null) and the final OK/EOF/ERR payload.</summary>
    public async Task<(List<string?[]> Rows, byte[] End)> ReadTextResultAsync()
    {
        var (_, first) = await ReadPacketAsync();
        if (first[0] is 0x00 or 0xFF)
            return ([], first);
        var columns = (int)ReadLengthEncoded(first, 0, out _);
        await SkipColumnsAsync(columns);
        var rows = new List<string?[]>();
        while (true)
        {
            var (_, row) = await ReadPacketAsync();
            if (row[0] == 0xFE && row.Length < 9 || row[0] == 0xFF)
                return (rows, row);
            var values = new string?[columns];
            var pos = 0;
            for (var i = 0; i < columns; i++)
            {
                if (row[pos] == 0xFB)
                {
                    pos++;
                    continue;
                }
                var length = (int)ReadLengthEncoded(row, pos, out var size);
                values[i] = Encoding.UTF8.GetString(row, pos + size, length);
                pos += size + length;
            }
            rows.Add(values);
        }
    }

    /// <summary>Column definitions followed by an EOF.</summary>
    public async Task SkipColumnsAsync(int count)
    {
        for (var i = 0; i < count; i++)
            await ReadPacketAsync();
        var (_, eof) = await ReadPacketAsync();
        if (eof[0] != 0xFE)
            throw new InvalidOperationException($"expected EOF after column definitions, got {Describe(eof)}");
    }

    public sealed record PreparedStatement(uint Id, int Columns, int Parameters);

    public async Task<PreparedStatement> PrepareAsync(string sql)
    {
        await CommandAsync(ComStmtPrepare, Encoding.UTF8.GetBytes(sql));
        var (_, ok) = await ReadPacketAsync();
        if (ok[0] != 0x00)
            throw new InvalidOperationException($"prepare failed: {Describe(ok)}");
        var statement = new PreparedStatement(
            BinaryPrimitives.ReadUInt32LittleEndian(ok.AsSpan(1)),
            BinaryPrimitives.ReadUInt16LittleEndian(ok.AsSpan(5)),
            BinaryPrimitives.ReadUInt16LittleEndian(ok.AsSpan(7)));
        if (statement.Parameters > 0)
            await SkipColumnsAsync(statement.Parameters);
        if (statement.Columns > 0)
            await SkipColumnsAsync(statement.Columns);
        return statement;
    }

    /// <summary>A parameter of COM_STMT_EXECUTE: a MySQL type code and its binary value (null for NULL, or for a
    /// parameter whose value was sent with COM_STMT_SEND_LONG_DATA when <paramref name="LongData"/> is set).</summary>
    public sealed record Parameter(byte Type, byte[]? Value, bool LongData = false)
    {
        public static Parameter Int64(long value) => new(0x08, BitConverter.GetBytes(value));
        public static Parameter Blob(byte[] value) => new(0xFC, [.. LengthEncoded(value.Length), .. value]);
        public static Parameter SentAsLongData() => new(0xFC, null, LongData: true);
    }

    public Task ExecuteAsync(uint statementId, byte cursorFlags = 0, params Parameter[] parameters)
    {
        var payload = new List<byte> { ComStmtExecute };
        payload.AddRange(BitConverter.GetBytes(statementId));
        payload.Add(cursorFlags);
        payload.AddRange(BitConverter.GetBytes(1u));
        if (parameters.Length > 0)
        {
            var bitmap = new byte[(parameters.Length + 7) / 8];
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].Value is null && !parameters[i].LongData)
                    bitmap[i / 8] |= (byte)(1 << (i % 8));
            }
            payload.AddRange(bitmap);
            payload.Add(1); // new parameters bound: types follow
            foreach (var p in parameters)
                payload.AddRange([p.Type, 0]);
            foreach (var p in parameters)
                payload.AddRange(p.Value ?? []);
        }
        return WritePacketAsync(payload.ToArray(), 0);
    }

    public Task SendLongDataAsync(uint statementId, ushort parameter, byte[] chunk) =>
        CommandAsync(ComStmtSendLongData, [.. BitConverter.GetBytes(statementId), .. BitConverter.GetBytes(parameter), .. chunk]);

    public Task FetchAsync(uint statementId, uint rows) =>
        CommandAsync(ComStmtFetch, [.. BitConverter.GetBytes(statementId), .. BitConverter.GetBytes(rows)]);

    /// <summary>Binary rows up to the EOF (or ERR) that ends them; returns the rows and that last packet.</summary>
    public async Task<(List<byte[]> Rows, byte[] End)> ReadBinaryRowsAsync()
    {
        var rows = new List<byte[]>();
        while (true)
        {
            var (_, packet) = await ReadPacketAsync();
            if (packet[0] == 0xFE && packet.Length < 9 || packet[0] == 0xFF)
                return (rows, packet);
            rows.Add(packet);
        }
    }

    /// <summary>Status flags of an EOF packet (0xFE, warnings:2, status:2) or an OK packet.</summary>
    public static ushort StatusOf(byte[] packet)
    {
        if (packet[0] == 0xFE && packet.Length >= 5)
            return BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(3));
        if (packet[0] == 0x00)
        {
            ReadLengthEncoded(packet, 1, out var a);
            ReadLengthEncoded(packet, 1 + a, out var b);
            return BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(1 + a + b));
        }
        throw new InvalidOperationException($"no status in {Describe(packet)}");
    }

    public static (ushort Code, string State, string Message) ParseError(byte[] packet)
    {
        if (packet[0] != 0xFF)
            throw new InvalidOperationException($"expected ERR, got {Describe(packet)}");
        var code = BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(1));
        return packet.Length > 3 && packet[3] == (byte)'#'
            ? (code, Encoding.ASCII.GetString(packet, 4, 5), Encoding.UTF8.GetString(packet, 9, packet.Length - 9))
            : (code, "", Encoding.UTF8.GetString(packet, 3, packet.Length - 3));
    }

    public static string Describe(byte[] packet) => packet.Length == 0 ? "empty packet" : packet[0] switch
    {
        0x00 => "OK",
        0xFF => $"ERR {ParseError(packet)}",
        0xFE when packet.Length < 9 => "EOF",
        _ => $"packet 0x{packet[0]:X2} ({packet.Length} bytes)",
    };

    public static ulong ReadLengthEncoded(byte[] buffer, int pos, out int size)
    {
        switch (buffer[pos])
        {
            case 0xFC: size = 3; return BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(pos + 1));
            case 0xFD: size = 4; return (ulong)(buffer[pos + 1] | buffer[pos + 2] << 8 | buffer[pos + 3] << 16);
            case 0xFE: size = 9; return BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(pos + 1));
            default: size = 1; return buffer[pos];
        }
    }

    public static byte[] LengthEncoded(long value) => value switch
    {
        < 0xFB => [(byte)value],
        < 0x10000 => [0xFC, (byte)value, (byte)(value >> 8)],
        < 0x1000000 => [0xFD, (byte)value, (byte)(value >> 8), (byte)(value >> 16)],
        _ => [0xFE, .. BitConverter.GetBytes(value)],
    };

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
