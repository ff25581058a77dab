using System.Buffers;
using System.Text;
using Switchyard.Protocol.Primitives;
using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Responses;

/// <summary>The opt-in capture of the OK packet that carries session state (last_gtid after a commit).</summary>
public sealed class ResponseScannerCaptureTests
{
    private static byte[] OkWithLastGtid(string gtid, ServerStatusFlags status = ServerStatusFlags.Autocommit | ServerStatusFlags.SessionStateChanged, byte header = 0x00)
    {
        var variable = new PayloadWriter().WriteLengthEncodedString("last_gtid").WriteLengthEncodedString(gtid).ToArray();
        var state = new PayloadWriter().WriteByte((byte)SessionStateType.SystemVariables).WriteLengthEncodedBytes(variable).ToArray();
        return new PayloadWriter().WriteByte(header).WriteLengthEncodedInteger(1).WriteLengthEncodedInteger(0)
            .WriteUInt16((ushort)status).WriteUInt16(0).WriteLengthEncodedString("").WriteLengthEncodedBytes(state).ToArray();
    }

    /// <summary>Scans <paramref name="stream"/> fed one byte per Scan call, so a captured packet is always split.</summary>
    private static ResponseScanner ScanByteByByte(byte[] stream, ResponseShape shape, bool deprecateEof, byte[]? capture)
    {
        var scanner = new ResponseScanner();
        scanner.Start(shape, deprecateEof, capture);
        long start = 0;
        for (var fed = 1; fed <= stream.Length; fed++)
        {
            var buffer = Sequences.OneBytePerSegment(stream.AsSpan((int)start, (int)(fed - start)));
            var status = scanner.Scan(buffer, out var consumed);
            start += Sequences.OffsetOf(buffer, consumed);
            if (status == ScanStatus.Complete)
            {
                Assert.Equal(stream.Length, start);
                return scanner;
            }
        }
        Assert.Fail("the response never completed");
        return scanner;
    }

    private static ResponseScanner ScanWhole(byte[] stream, ResponseShape shape, bool deprecateEof, byte[]? capture)
    {
        var scanner = new ResponseScanner();
        scanner.Start(shape, deprecateEof, capture);
        Assert.Equal(ScanStatus.Complete, scanner.Scan(new ReadOnlySequence<byte>(stream), out _));
        return scanner;
    }

    [Fact]
    public void Scan_OkWithSessionState_CapturesItsWholePayload()
    {
        var ok = OkWithLastGtid("0-1-4711");
        var stream = Packets.Frame(ok, 1);

        foreach (var scanner in new[] { ScanWhole(stream, ResponseShape.ResultSets, true, new byte[512]), ScanByteByByte(stream, ResponseShape.ResultSets, true, new byte[512]) })
        {
            Assert.Equal(ok, scanner.CapturedSessionStateOk.ToArray());
            Assert.True(TrackedVariable.TryFind(scanner.CapturedSessionStateOk, "last_gtid"u8, out var value));
            Assert.Equal("0-1-4711", Encoding.UTF8.GetString(value));
        }
    }

    [Fact]
    public void Scan_WithoutCaptureBuffer_CapturesNothing()
    {
        var scanner = ScanWhole(Packets.Frame(OkWithLastGtid("0-1-1"), 1), ResponseShape.ResultSets, true, null);

        Assert.True(scanner.CapturedSessionStateOk.IsEmpty);
    }

    [Fact]
    public void Scan_OkWithoutSessionStateFlag_CapturesNothing()
    {
        var scanner = ScanWhole(Packets.Frame(OkPacket.Create(ServerStatusFlags.Autocommit), 1), ResponseShape.ResultSets, false, new byte[512]);

        Assert.True(scanner.CapturedSessionStateOk.IsEmpty);
    }

    [Fact]
    public void Scan_OkLargerThanTheBuffer_IsNotCaptured()
    {
        var scanner = ScanWhole(Packets.Frame(OkWithLastGtid(new string('9', 100)), 1), ResponseShape.ResultSets, true, new byte[32]);

        Assert.True(scanner.CapturedSessionStateOk.IsEmpty);
    }

    [Fact]
    public void Scan_MultiResultWithTwoStateOks_KeepsTheLast()
    {
        var first = OkWithLastGtid("0-1-1", ServerStatusFlags.Autocommit | ServerStatusFlags.SessionStateChanged | ServerStatusFlags.MoreResultsExist);
        var last = OkWithLastGtid("0-1-2");
        var stream = Packets.Concat(Packets.Frame(first, 1), Packets.Frame(last, 2));

        var scanner = ScanByteByByte(stream, ResponseShape.ResultSets, false, new byte[512]);

        Assert.True(TrackedVariable.TryFind(scanner.CapturedSessionStateOk, "last_gtid"u8, out var value));
        Assert.Equal("0-1-2", Encoding.UTF8.GetString(value));
    }

    [Fact]
    public void Scan_ResultSetEndingInOkTerminatorWithState_CapturesTheTerminator()
    {
        var terminator = OkWithLastGtid("1-2-3", header: 0xFE);
        var packets = TextResultSetWriter.OneRow(["a"], ["x"], deprecateEof: true, ServerStatusFlags.Autocommit);
        packets[^1] = terminator;
        var stream = Packets.Concat(packets.Select((p, i) => Packets.Frame(p, (byte)(i + 1))));

        var scanner = ScanByteByByte(stream, ResponseShape.ResultSets, true, new byte[512]);

        Assert.Equal(terminator, scanner.CapturedSessionStateOk.ToArray());
    }

    [Fact]
    public void Start_AfterACapture_ForgetsIt()
    {
        var scanner = ScanWhole(Packets.Frame(OkWithLastGtid("0-1-1"), 1), ResponseShape.ResultSets, true, new byte[512]);

        scanner.Start(ResponseShape.ResultSets, true, new byte[512]);

        Assert.True(scanner.CapturedSessionStateOk.IsEmpty);
    }

    [Fact]
    public void TryFind_MalformedOrOtherVariable_ReturnsFalse()
    {
        Assert.False(TrackedVariable.TryFind([0x00, 0x01], "last_gtid"u8, out _));
        Assert.False(TrackedVariable.TryFind(OkWithLastGtid("0-1-1"), "autocommit"u8, out _));
        Assert.False(TrackedVariable.TryFind([], "last_gtid"u8, out _));
    }
}
