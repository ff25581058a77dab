using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Responses;

public sealed class OkPacketTests
{
    /// <summary>Real capture: SET session_track_system_variables='last_gtid', then an autocommitted INSERT with
    /// CLIENT_SESSION_TRACK. The OK carries last_gtid; the manifest holds what SELECT @@last_gtid said right after.</summary>
    [Fact]
    public void Parse_RealSessionTrackedInsertOk_CarriesLastGtid()
    {
        var vector = Vectors.Get("session_track_insert_last_gtid.deprecate_eof.session_track");
        var payload = Vectors.LoadPayload(vector.File);

        var ok = OkPacket.Parse(payload, sessionTrack: true);

        Assert.Equal(1UL, ok.AffectedRows);
        Assert.Equal(vector.LastInsertId, ok.LastInsertId);
        Assert.Equal(ServerStatusFlags.Autocommit | ServerStatusFlags.SessionStateChanged, ok.Status);
        Assert.Equal(0, ok.Warnings);
        Assert.Equal(0, ok.Info.Length);
        var entries = new List<(SessionStateType Type, string Name, string Value)>();
        var reader = new SessionStateReader(ok.SessionStateChanges);
        while (reader.MoveNext())
            entries.Add((reader.Type, Encoding.UTF8.GetString(reader.Name), Encoding.UTF8.GetString(reader.Value)));
        var entry = Assert.Single(entries);
        Assert.Equal(SessionStateType.SystemVariables, entry.Type);
        Assert.Equal("last_gtid", entry.Name);
        Assert.Matches(new Regex(@"^\d+-\d+-\d+$"), entry.Value);
        Assert.Equal(vector.Facts!["lastGtid"], entry.Value);
    }

    [Fact]
    public void Parse_RealLoginOkWithDatabase_CarriesTheSchemaChange()
    {
        // The stock client logged in with -D test and CLIENT_SESSION_TRACK: the final OK reports the schema.
        var ok = OkPacket.Parse(Vectors.LoadPayload(Vectors.Manifest.Login.Result), sessionTrack: true);

        Assert.True(ok.Status.HasFlag(ServerStatusFlags.SessionStateChanged));
        var reader = new SessionStateReader(ok.SessionStateChanges);
        Assert.True(reader.MoveNext());
        Assert.Equal(SessionStateType.Schema, reader.Type);
        Assert.Equal(Vectors.Manifest.Login.Database, Encoding.UTF8.GetString(reader.Name));
        Assert.False(reader.MoveNext());
    }

    [Theory]
    [InlineData("query_insert_ok.eof")]
    [InlineData("query_insert_ok.deprecate_eof")]
    [InlineData("stmt_execute_ok.eof")]
    [InlineData("com_init_db_ok.deprecate_eof")]
    public void Parse_RealOk_MatchesTheManifest(string name)
    {
        var vector = Vectors.Get(name);

        var ok = OkPacket.Parse(Vectors.LoadPayload(vector.File), sessionTrack: false);

        Assert.Equal(vector.AffectedRows, ok.AffectedRows);
        Assert.Equal(vector.LastInsertId, ok.LastInsertId);
        Assert.Equal((ServerStatusFlags)vector.Status!.Value, ok.Status);
        Assert.True(OkPacket.TryReadStatus(Vectors.LoadPayload(vector.File), out var status));
        Assert.Equal(ok.Status, status);
    }

    [Fact]
    public void Parse_RealLoadDataOk_ReadsInfoText()
    {
        var last = Packets.Physical(Vectors.Load(Vectors.Get("query_local_infile.eof")))[^1][4..];

        var ok = OkPacket.Parse(last, sessionTrack: false);

        Assert.Equal(0UL, ok.AffectedRows);
        Assert.Equal("Records: 0  Deleted: 0  Skipped: 0  Warnings: 0", Encoding.UTF8.GetString(ok.Info));
    }

    [Fact]
    public void Parse_RealOkShapedTerminatorUnderDeprecateEof_ReadsStatus()
    {
        var last = Packets.Physical(Vectors.Load(Vectors.Get("stmt_fetch_3.deprecate_eof")))[^1][4..];
        Assert.Equal(OkPacket.EofHeader, last[0]);

        var ok = OkPacket.Parse(last, sessionTrack: false);

        Assert.Equal(ServerStatusFlags.Autocommit | ServerStatusFlags.LastRowSent, ok.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_ThenParse_RoundTrips(bool sessionTrack)
    {
        var bytes = OkPacket.Create(ServerStatusFlags.InTransaction | ServerStatusFlags.Autocommit, affectedRows: 70000,
            lastInsertId: 0x1_0000_0000, warnings: 2, sessionTrack: sessionTrack);

        var ok = OkPacket.Parse(bytes, sessionTrack);

        Assert.Equal(OkPacket.Header, bytes[0]);
        Assert.Equal(70000UL, ok.AffectedRows);
        Assert.Equal(0x1_0000_0000UL, ok.LastInsertId);
        Assert.Equal(ServerStatusFlags.InTransaction | ServerStatusFlags.Autocommit, ok.Status);
        Assert.Equal(2, ok.Warnings);
        Assert.Equal(0, ok.Info.Length);
        Assert.Equal(0, ok.SessionStateChanges.Length);
    }

    [Fact]
    public void Create_Minimal_IsTheSevenBytesServersSend()
    {
        // Byte-identical to the COM_PING OK captured from MariaDB.
        Assert.Equal(Vectors.LoadPayload("com_ping.eof.hex"), OkPacket.Create(ServerStatusFlags.Autocommit));
    }

    [Fact]
    public void Create_StatusWithSessionStateChanged_ClearsTheFlagItCannotBackWithData()
    {
        var ok = OkPacket.Parse(OkPacket.Create(ServerStatusFlags.Autocommit | ServerStatusFlags.SessionStateChanged, sessionTrack: true), sessionTrack: true);

        Assert.Equal(ServerStatusFlags.Autocommit, ok.Status);
    }

    [Fact]
    public void CreateEofTerminator_Always_StartsWith0xFEAndParsesAsOk()
    {
        var bytes = OkPacket.CreateEofTerminator(ServerStatusFlags.Autocommit | ServerStatusFlags.MoreResultsExist, warnings: 1);

        Assert.Equal(OkPacket.EofHeader, bytes[0]);
        Assert.True(bytes.Length < 0xFFFFFF);
        var ok = OkPacket.Parse(bytes, sessionTrack: false);
        Assert.Equal(ServerStatusFlags.Autocommit | ServerStatusFlags.MoreResultsExist, ok.Status);
        Assert.Equal(1, ok.Warnings);
    }

    [Fact]
    public void Parse_NotAnOk_ThrowsProtocolException()
    {
        Assert.Throws<ProtocolException>(() => OkPacket.Parse(Packets.Hex("ff1504"), sessionTrack: false).Status);
        Assert.Throws<ProtocolException>(() => OkPacket.Parse(Packets.Hex("0001"), sessionTrack: false).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("000000")]
    [InlineData("00000002")]
    [InlineData("00fc01")]
    public void TryReadStatus_Truncated_ReturnsFalse(string hex)
    {
        Assert.False(OkPacket.TryReadStatus(Packets.Hex(hex), out _));
    }
}
