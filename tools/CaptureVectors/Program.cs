using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.Protocol;
using Switchyard.Tools.CaptureVectors;

// Captures raw MariaDB responses for tests/Switchyard.Protocol.Tests/Vectors.
//   dotnet run --project tools/CaptureVectors -- [--host 127.0.0.1] [--port 3306] [--out <dir>] [--dry-run]
// Needs a MariaDB with user app/app (CREATE on *.*), max_allowed_packet >= 64M and local_infile=ON:
// scripts/cluster.sh up gives exactly that. Each response is cut by a pipelined COM_PING (sequence ids restart at
// its OK) and cross-checked by ResponseOracle, an independent naive protocol reading; the manifest's expectations
// come from the oracle and from the server itself (SELECT LAST_INSERT_ID(), @@last_gtid, CONNECTION_ID()).

var host = "127.0.0.1";
var port = 3306;
var output = Path.Combine("tests", "Switchyard.Protocol.Tests", "Vectors");
var write = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--host": host = args[++i]; break;
        case "--port": port = int.Parse(args[++i]); break;
        case "--out": output = args[++i]; break;
        case "--dry-run": write = false; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
Directory.CreateDirectory(output);

const string User = "app";
const string Password = "app";
const string Db = "sy_protocol_vectors";

const CapabilityFlags Base = CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth
    | CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.Transactions | CapabilityFlags.LongFlag
    | CapabilityFlags.MultiStatements | CapabilityFlags.MultiResults | CapabilityFlags.PreparedStatementMultiResults
    | CapabilityFlags.LocalFiles;

var capturer = new Capturer(output, write);
string serverVersion;

// ---- setup (not captured) ----
using (var setup = WireConnection.Open(host, port, User, Password, null, Base))
{
    serverVersion = Scalar(setup, "SELECT VERSION()")!;
    foreach (var sql in new[]
    {
        $"DROP DATABASE IF EXISTS {Db}",
        $"CREATE DATABASE {Db}",
        $"CREATE TABLE {Db}.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) NOT NULL, n INT NULL)",
        $"INSERT INTO {Db}.t (v, n) VALUES ('a', 1), ('b', NULL), ('c', 3), ('d', 4), ('e', NULL)",
        $"CREATE TABLE {Db}.li (a INT, b VARCHAR(10))",
        $"CREATE PROCEDURE {Db}.p_rs() BEGIN SELECT id, v FROM {Db}.t WHERE id <= 2 ORDER BY id; END",
        $"CREATE PROCEDURE {Db}.p_out(IN a INT, OUT x INT) BEGIN SET x = a * 2; END",
    })
        Exec(setup, sql);
}
Console.WriteLine($"server {serverVersion}");

// ---- the two framing profiles ----
foreach (var deprecateEof in new[] { false, true })
{
    var caps = Base | (deprecateEof ? CapabilityFlags.DeprecateEof : 0);
    using var c = WireConnection.Open(host, port, User, Password, Db, caps);
    if (c.DeprecateEof != deprecateEof)
        throw new InvalidOperationException("server did not agree to the DEPRECATE_EOF choice");
    Console.WriteLine($"profile {Capturer.Suffix(c)}: capabilities {c.Capabilities}");

    var insert = capturer.Capture(c, "query_insert_ok", "COM_QUERY INSERT INTO t (v, n) VALUES ('ins', 10)",
        Capturer.Query("INSERT INTO t (v, n) VALUES ('ins', 10)"), Kind.ResultSets);
    var lastId = Scalar(c, "SELECT LAST_INSERT_ID()");
    if (insert.LastInsertId?.ToString() != lastId || insert.AffectedRows != 1)
        throw new InvalidOperationException($"insert OK says id {insert.LastInsertId}, server says {lastId}");

    capturer.Capture(c, "query_error_syntax", "COM_QUERY SELEC 1", Capturer.Query("SELEC 1"), Kind.ResultSets);
    capturer.Capture(c, "query_select_rows", "COM_QUERY SELECT id, v FROM t WHERE id <= 3 ORDER BY id",
        Capturer.Query("SELECT id, v FROM t WHERE id <= 3 ORDER BY id"), Kind.ResultSets);
    capturer.Capture(c, "query_select_empty", "COM_QUERY SELECT id, v FROM t WHERE id < 0",
        Capturer.Query("SELECT id, v FROM t WHERE id < 0"), Kind.ResultSets);
    capturer.Capture(c, "query_select_null", "COM_QUERY SELECT NULL AS a, 'x' AS b, NULL AS c, n FROM t WHERE id = 2",
        Capturer.Query("SELECT NULL AS a, 'x' AS b, NULL AS c, n FROM t WHERE id = 2"), Kind.ResultSets);
    capturer.Capture(c, "query_select_wide_row", "COM_QUERY SELECT REPEAT('y', 300) AS w",
        Capturer.Query("SELECT REPEAT('y', 300) AS w"), Kind.ResultSets);
    capturer.Capture(c, "query_multi", "COM_QUERY SELECT 1; SELECT 2, 3; INSERT INTO t (v) VALUES ('multi')",
        Capturer.Query("SELECT 1; SELECT 2, 3; INSERT INTO t (v) VALUES ('multi')"), Kind.ResultSets);
    capturer.Capture(c, "query_multi_error", "COM_QUERY SELECT 1; SELECT * FROM no_such_table; SELECT 2",
        Capturer.Query("SELECT 1; SELECT * FROM no_such_table; SELECT 2"), Kind.ResultSets);
    capturer.Capture(c, "query_call_result", "COM_QUERY CALL p_rs()", Capturer.Query("CALL p_rs()"), Kind.ResultSets);
    capturer.CaptureLocalInfile(c, "query_local_infile", "LOAD DATA LOCAL INFILE 'x' INTO TABLE li");

    // Prepared statements.
    var selectPs = capturer.Capture(c, "stmt_prepare_params_columns", "COM_STMT_PREPARE SELECT id, v, n FROM t WHERE id <= ? ORDER BY id",
        Prepare("SELECT id, v, n FROM t WHERE id <= ? ORDER BY id"), Kind.Prepare);
    capturer.Capture(c, "stmt_execute_rows", "COM_STMT_EXECUTE (id <= 3) binary result set",
        Execute(selectPs.PreparedStatementId!.Value, 0, (8, Int64(3))), Kind.ResultSets);
    Close(c, selectPs);

    var cursorPs = capturer.Capture(c, "stmt_prepare_no_params", "COM_STMT_PREPARE SELECT id, v FROM t WHERE id <= 5 ORDER BY id",
        Prepare("SELECT id, v FROM t WHERE id <= 5 ORDER BY id"), Kind.Prepare);
    var opened = capturer.Capture(c, "stmt_execute_cursor", "COM_STMT_EXECUTE flags=CURSOR_TYPE_READ_ONLY (5 rows)",
        Execute(cursorPs.PreparedStatementId!.Value, 1), Kind.ResultSets);
    if ((opened.Status.GetValueOrDefault() & (ushort)ServerStatusFlags.CursorExists) == 0)
        throw new InvalidOperationException("no cursor was opened");
    for (var fetch = 1; fetch <= 5; fetch++)
    {
        var f = capturer.Capture(c, $"stmt_fetch_{fetch}", $"COM_STMT_FETCH 2 rows (call {fetch})",
            [0x1C, .. UInt32(cursorPs.PreparedStatementId!.Value), .. UInt32(2)], Kind.Fetch);
        if ((f.Status.GetValueOrDefault() & (ushort)ServerStatusFlags.LastRowSent) != 0)
            break;
    }
    Close(c, cursorPs);

    var insertPs = capturer.Capture(c, "stmt_prepare_no_columns", "COM_STMT_PREPARE INSERT INTO t (v, n) VALUES (?, ?)",
        Prepare("INSERT INTO t (v, n) VALUES (?, ?)"), Kind.Prepare);
    capturer.Capture(c, "stmt_execute_ok", "COM_STMT_EXECUTE INSERT ('ps', NULL)",
        Execute(insertPs.PreparedStatementId!.Value, 0, (253, LenEncString("ps")), (6, null)), Kind.ResultSets);
    Close(c, insertPs);

    var callPs = capturer.Capture(c, "stmt_prepare_call_out", "COM_STMT_PREPARE CALL p_out(?, ?)",
        Prepare("CALL p_out(?, ?)"), Kind.Prepare);
    capturer.Capture(c, "stmt_execute_out_params", "COM_STMT_EXECUTE CALL p_out(21, @x) — OUT parameters as a result set",
        Execute(callPs.PreparedStatementId!.Value, 0, (8, Int64(21)), (6, null)), Kind.ResultSets);
    Close(c, callPs);

    capturer.Capture(c, "stmt_prepare_error", "COM_STMT_PREPARE SELECT * FROM no_such_table",
        Prepare("SELECT * FROM no_such_table"), Kind.Prepare);

    // Other commands.
    capturer.Capture(c, "com_field_list", "COM_FIELD_LIST t", [0x04, .. Encoding.ASCII.GetBytes("t"), 0], Kind.FieldList);
    capturer.Capture(c, "com_field_list_error", "COM_FIELD_LIST no_such_table", [0x04, .. Encoding.ASCII.GetBytes("no_such_table"), 0], Kind.FieldList);
    capturer.Capture(c, "com_ping", "COM_PING", [0x0E], Kind.SinglePacket);
    capturer.Capture(c, "com_statistics", "COM_STATISTICS", [0x09], Kind.RawSinglePacket);
    capturer.Capture(c, "com_set_option", "COM_SET_OPTION MYSQL_OPTION_MULTI_STATEMENTS_ON", [0x1B, 0x00, 0x00], Kind.SinglePacket);
    capturer.Capture(c, "com_init_db_ok", $"COM_INIT_DB {Db}", [0x02, .. Encoding.ASCII.GetBytes(Db)], Kind.SinglePacket);
    capturer.Capture(c, "com_init_db_error", "COM_INIT_DB no_such_db", [0x02, .. Encoding.ASCII.GetBytes("no_such_db")], Kind.SinglePacket);

    // Rows of 16 MiB and more: committed gzip-compressed (a run of one letter compresses ~1000:1). The server is
    // shared: make sure max_allowed_packet (read-only per session) is big enough, on a fresh connection.
    using var big = OpenWithBigPackets(host, port, caps);
    capturer.Capture(big, "query_select_exact_split", "COM_QUERY SELECT REPEAT('x', 16777211) (row payload exactly 0xFFFFFF)",
        Capturer.Query("SELECT REPEAT('x', 16777211) AS big"), Kind.ResultSets, compress: true,
        facts: new() { ["valueLength"] = "16777211" }, verify: p => CheckBigRow(p, big.DeprecateEof, 16777211));
    capturer.Capture(big, "query_select_17mib", "COM_QUERY SELECT REPEAT('x', 17*1024*1024)",
        Capturer.Query("SELECT REPEAT('x', 17*1024*1024) AS big"), Kind.ResultSets, compress: true,
        facts: new() { ["valueLength"] = (17 * 1024 * 1024).ToString() }, verify: p => CheckBigRow(p, big.DeprecateEof, 17 * 1024 * 1024));
}

// ---- session tracking: last_gtid on the OK of an autocommitted INSERT ----
using (var c = WireConnection.Open(host, port, User, Password, Db, Base | CapabilityFlags.DeprecateEof | CapabilityFlags.SessionTrack))
{
    if (!c.SessionTrack)
        throw new InvalidOperationException("server did not agree to CLIENT_SESSION_TRACK");
    capturer.Capture(c, "session_track_set", "COM_QUERY SET session_track_system_variables='last_gtid'",
        Capturer.Query("SET session_track_system_variables='last_gtid'"), Kind.ResultSets);
    capturer.Capture(c, "session_track_insert_last_gtid", "COM_QUERY INSERT INTO t (v) VALUES ('gtid') with session_track_system_variables='last_gtid'",
        Capturer.Query("INSERT INTO t (v) VALUES ('gtid')"), Kind.ResultSets);
    var gtid = Scalar(c, "SELECT @@last_gtid")!;
    var last = capturer.Entries[^1];
    capturer.Entries[^1] = last with { Facts = new() { ["lastGtid"] = gtid } };
    Console.WriteLine($"  last_gtid per server: {gtid}");
}

// ---- a real client's login (mariadb CLI through a recording relay) ----
var login = LoginRecorder.Run(host, port, User, Password, "test");
Console.WriteLine($"login via mariadb CLI: {login.ClientOutput}");
var parts = login.ClientOutput.Split('\t');
if (write)
{
    Capturer.WriteHex(Path.Combine(output, "login_greeting.hex"), [login.Greeting.Raw], false);
    Capturer.WriteHex(Path.Combine(output, "login_response.hex"), [login.Response.Raw], false);
    Capturer.WriteHex(Path.Combine(output, "login_result.hex"), [login.Result.Raw], false);
}

// ---- cleanup and manifest ----
using (var cleanup = WireConnection.Open(host, port, User, Password, null, Base))
    Exec(cleanup, $"DROP DATABASE IF EXISTS {Db}");

var manifest = new
{
    server = serverVersion,
    capturedWith = "tools/CaptureVectors (COM_PING sentinel + ResponseOracle)",
    login = new
    {
        client = "mariadb command-line client, --skip-ssl -D test",
        greeting = "login_greeting.hex",
        response = "login_response.hex",
        result = "login_result.hex",
        user = User,
        password = Password,
        database = "test",
        connectionId = uint.Parse(parts[0]),
        serverVersion = parts[1],
    },
    vectors = capturer.Entries,
};
var options = new JsonSerializerOptions
{
    WriteIndented = true,
    PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
};
if (write)
    File.WriteAllText(Path.Combine(output, "manifest.json"), JsonSerializer.Serialize(manifest, options) + "\n");
Console.WriteLine($"{capturer.Entries.Count} vectors{(write ? " written to " + output : " (dry run)")}");
return 0;

// ---- helpers ----

static WireConnection OpenWithBigPackets(string host, int port, CapabilityFlags caps)
{
    const long Needed = 64L * 1024 * 1024;
    var c = WireConnection.Open(host, port, User, Password, Db, caps);
    if (long.Parse(Scalar(c, "SELECT @@max_allowed_packet")!) >= Needed)
        return c;
    c.Dispose();
    using (var root = WireConnection.Open(host, port, "root", "", null, Base))
        Exec(root, "SET GLOBAL max_allowed_packet=268435456");
    c = WireConnection.Open(host, port, User, Password, Db, caps);
    if (long.Parse(Scalar(c, "SELECT @@max_allowed_packet")!) < Needed)
        throw new InvalidOperationException("max_allowed_packet is still below 64M");
    return c;
}

// The one row must hold a value of exactly the expected length, all 'x' (not NULL with a warning).
static void CheckBigRow(List<byte[]> packets, bool deprecateEof, int expected)
{
    var row = packets[1 + 1 + (deprecateEof ? 0 : 1)];
    var length = ResponseOracle.LenEnc(row, 0, out var used);
    if (length != (ulong)expected || row.Length != used + expected || row.AsSpan(used).ContainsAnyExcept((byte)'x'))
        throw new InvalidOperationException($"big row: value length {length}, row {row.Length} bytes, expected {expected}");
}

static void Exec(WireConnection c, string sql)
{
    c.WritePackets((Capturer.Query(sql), 0), ([0x0E], 0));
    var (packets, _) = Capturer.ReadUntilSentinel(c, 1);
    var result = ResponseOracle.Walk(Capturer.Join(packets), Kind.ResultSets, c.DeprecateEof);
    if (result.IsError)
        throw new InvalidOperationException($"{sql}: error {result.ErrorCode}");
}

// First column of the first row of a text result set, decoded by hand.
static string? Scalar(WireConnection c, string sql)
{
    c.WritePackets((Capturer.Query(sql), 0), ([0x0E], 0));
    var (raw, _) = Capturer.ReadUntilSentinel(c, 1);
    var packets = Capturer.Join(raw);
    var columns = (int)ResponseOracle.LenEnc(packets[0], 0, out _);
    var row = packets[1 + columns + (c.DeprecateEof ? 0 : 1)];
    if (row[0] == 0xFB)
        return null;
    var length = (int)ResponseOracle.LenEnc(row, 0, out var used);
    return Encoding.UTF8.GetString(row, used, length);
}

static byte[] Prepare(string sql) => [0x16, .. Encoding.UTF8.GetBytes(sql)];

// COM_STMT_EXECUTE: id, flags, iteration count 1, then NULL bitmap, new-params-bound flag, types and values.
static byte[] Execute(uint statementId, byte flags, params (byte Type, byte[]? Value)[] parameters)
{
    var bytes = new List<byte> { 0x17 };
    bytes.AddRange(UInt32(statementId));
    bytes.Add(flags);
    bytes.AddRange(UInt32(1));
    if (parameters.Length > 0)
    {
        var bitmap = new byte[(parameters.Length + 7) / 8];
        for (var i = 0; i < parameters.Length; i++)
            if (parameters[i].Value is null)
                bitmap[i / 8] |= (byte)(1 << (i % 8));
        bytes.AddRange(bitmap);
        bytes.Add(1);
        foreach (var p in parameters)
        {
            bytes.Add(p.Type);
            bytes.Add(0);
        }
        foreach (var p in parameters)
            if (p.Value is not null)
                bytes.AddRange(p.Value);
    }
    return [.. bytes];
}

static void Close(WireConnection c, OracleResult prepared) =>
    c.WritePackets(([0x19, .. UInt32(prepared.PreparedStatementId!.Value)], 0)); // COM_STMT_CLOSE: no response

static byte[] UInt32(uint value)
{
    var b = new byte[4];
    BinaryPrimitives.WriteUInt32LittleEndian(b, value);
    return b;
}

static byte[] Int64(long value)
{
    var b = new byte[8];
    BinaryPrimitives.WriteInt64LittleEndian(b, value);
    return b;
}

static byte[] LenEncString(string s) => [(byte)s.Length, .. Encoding.UTF8.GetBytes(s)];
