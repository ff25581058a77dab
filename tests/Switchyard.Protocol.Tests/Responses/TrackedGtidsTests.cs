using System.Text;
using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Responses;

namespace Switchyard.Protocol.Tests.Responses;

public sealed class TrackedGtidsTests
{
    private const string Gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:23";

    /// <summary>An OK of a COMMIT with session_track_gtids = OWN_GTID, written out byte by byte after MySQL's
    /// Session_gtids_ctx_encoder_string::encode: [type 3][entry length][encoding 0][gtid length][gtid text].</summary>
    private static byte[] HandBuiltOk()
    {
        byte[] head = [0x00, 0x00, 0x00, 0x02, 0x40, 0x00, 0x00, 0x00]; // OK, 0 rows, id 0, AUTOCOMMIT|SESSION_STATE_CHANGED, 0 warnings, info ""
        byte[] state = [0x2B, 0x03, 0x29, 0x00, 0x27]; // state length 43, type GTIDS, entry length 41, text encoding, text length 39
        return [.. head, .. state, .. Encoding.ASCII.GetBytes(Gtid)];
    }

    private static byte[] Ok(byte[] sessionState) =>
        new PayloadWriter().WriteByte(0x00).WriteLengthEncodedInteger(1).WriteLengthEncodedInteger(0).WriteUInt16(0x4002).WriteUInt16(0)
            .WriteLengthEncodedString("").WriteLengthEncodedBytes(sessionState).ToArray();

    private static byte[] GtidsEntry(byte encoding, string text)
    {
        var entry = new PayloadWriter().WriteByte(encoding).WriteLengthEncodedString(text).ToArray();
        return new PayloadWriter().WriteByte((byte)SessionStateType.Gtids).WriteLengthEncodedBytes(entry).ToArray();
    }

    private static byte[] Variable(string name, string value)
    {
        var entry = new PayloadWriter().WriteLengthEncodedString(name).WriteLengthEncodedString(value).ToArray();
        return new PayloadWriter().WriteByte((byte)SessionStateType.SystemVariables).WriteLengthEncodedBytes(entry).ToArray();
    }

    [Fact]
    public void TryFind_HandBuiltCommitOk_ReturnsTheGtidText()
    {
        Assert.True(TrackedGtids.TryFind(HandBuiltOk(), out var gtids));
        Assert.Equal(Gtid, Encoding.ASCII.GetString(gtids));
    }

    [Fact]
    public void TryFind_HandBuiltOkTruncatedAnywhere_ReturnsFalse()
    {
        var ok = HandBuiltOk();
        for (var length = 0; length < ok.Length; length++)
            Assert.False(TrackedGtids.TryFind(ok.AsSpan(0, length), out _), $"prefix of {length} bytes");
    }

    [Fact]
    public void TryFind_AfterOtherEntries_FindsTheGtidEntry()
    {
        byte[] state = [.. Variable("autocommit", "ON"), .. GtidsEntry(0, Gtid), .. Variable("time_zone", "UTC")];

        Assert.True(TrackedGtids.TryFind(Ok(state), out var gtids));
        Assert.Equal(Gtid, Encoding.ASCII.GetString(gtids));
    }

    [Fact]
    public void TryFind_SeveralSourcesOnSeveralLines_ReturnsTheWholeText()
    {
        // MySQL separates the sources of a set with ",\n" (ALL_GTIDS, or a server that has several).
        const string set = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4e11fa47-71ca-11e1-9e33-c80aa9429562:7:9-12";

        Assert.True(TrackedGtids.TryFind(Ok(GtidsEntry(0, set)), out var gtids));
        Assert.Equal(set, Encoding.ASCII.GetString(gtids));
    }

    [Fact]
    public void TryFind_OnlyVariables_ReturnsFalse()
    {
        Assert.False(TrackedGtids.TryFind(Ok(Variable("last_gtid", "0-1-5")), out _));
    }

    [Fact]
    public void TryFind_UnknownEncoding_ReturnsFalse()
    {
        Assert.False(TrackedGtids.TryFind(Ok(GtidsEntry(1, Gtid)), out _));
    }

    [Fact]
    public void TryFind_Empty_ReturnsFalse()
    {
        Assert.False(TrackedGtids.TryFind([], out _));
    }

    [Fact]
    public void TryReadEntry_LongText_ReadsTwoByteLength()
    {
        var text = string.Join(",\n", Enumerable.Range(0, 8).Select(i => $"{i:x8}-71ca-11e1-9e33-c80aa9429562:1-{i + 100}"));
        var entry = new PayloadWriter().WriteByte(0).WriteLengthEncodedString(text).ToArray();
        Assert.Equal(0xFC, entry[1]); // over 250 bytes: the length takes 0xFC and two bytes

        Assert.True(TrackedGtids.TryReadEntry(entry, out var gtids));
        Assert.Equal(text, Encoding.ASCII.GetString(gtids));
    }

    [Fact]
    public void TryReadEntry_LengthBeyondData_ReturnsFalse()
    {
        Assert.False(TrackedGtids.TryReadEntry([0x00, 0x05, (byte)'a'], out _));
    }
}
