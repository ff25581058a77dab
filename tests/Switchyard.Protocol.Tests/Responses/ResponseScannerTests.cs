using System.Buffers;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Responses;

/// <summary>
/// Responses that are impractical to capture, synthesised from real captures: a captured one-row result
/// (SELECT REPEAT('y', 300)) whose row is replaced by a row of 16 MiB or more, split into 0xFFFFFF-byte packets
/// exactly as the protocol prescribes; and an ERR arriving in the middle of captured rows.
/// </summary>
public sealed class ResponseScannerTests
{
    private static readonly byte[] OkTerminatorLookalike = [0xFE, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00];
    private static readonly byte[] EofLookalike = [0xFE, 0x00, 0x00, 0x02, 0x00];
    private static readonly byte[] ErrLookalike = [0xFF, 0x28, 0x04, (byte)'#', (byte)'4', (byte)'2', (byte)'0', (byte)'0', (byte)'0'];

    public static TheoryData<bool, int, byte[]?, byte[]?> BigRows => new()
    {
        // A first value of >= 16 MiB has an 8-byte length: the row starts with 0xFE, like a terminator.
        { true, Packets.Max + 10, null, null },
        { false, Packets.Max + 10, null, null },
        // ... and its continuation packet starts with 0xFE, or is a perfect 7-byte OK-terminator look-alike.
        { true, Packets.Max + 10, [0xFE], null },
        { true, 2 * Packets.Max + 7, [0xFE], OkTerminatorLookalike },
        // Without DEPRECATE_EOF: a continuation that is a perfect 5-byte EOF look-alike.
        { false, 2 * Packets.Max + 5, [0xFE], EofLookalike },
        // Continuations that start like an ERR packet.
        { true, Packets.Max + 100, ErrLookalike, null },
        { false, 2 * Packets.Max + 9, ErrLookalike, ErrLookalike },
        // Exact multiples of 0xFFFFFF: an empty trailer packet ends the row, not the response.
        { true, Packets.Max, null, null },
        { false, Packets.Max, null, null },
        { true, 2 * Packets.Max, [0xFE], null },
        { false, 2 * Packets.Max, [0xFF], null },
    };

    [Theory]
    [MemberData(nameof(BigRows))]
    public void Scan_RowOf16MiBOrMoreSplitIntoPackets_IsSkippedAndTheResponseEndsAtItsTerminator(
        bool deprecateEof, int payloadLength, byte[]? continuationStart, byte[]? lastContinuation)
    {
        var row = BigRowPayload(payloadLength, continuationStart, lastContinuation);
        var (stream, end, logicalPackets) = WithRow(deprecateEof, row);

        var whole = ScanDriver.ScanAll(new ReadOnlySequence<byte>(stream), ResponseShape.ResultSets, deprecateEof);
        var fed = ScanDriver.Feed(stream, ScanDriver.FineNearBoundaries(stream, 24, 1 << 20), ResponseShape.ResultSets, deprecateEof);

        foreach (var outcome in new[] { whole, fed })
        {
            Assert.Equal([(ScanStatus.Complete, end)], outcome.Events);
            Assert.False(outcome.Scanner.IsError);
            Assert.Equal(ServerStatusFlags.Autocommit, outcome.Scanner.Status);
            Assert.Equal(logicalPackets, outcome.Scanner.PacketCount);
        }
    }

    [Theory]
    [InlineData(false, "query_select_rows.eof")]
    [InlineData(true, "query_select_rows.deprecate_eof")]
    [InlineData(false, "stmt_execute_rows.eof")]
    [InlineData(true, "stmt_execute_rows.deprecate_eof")]
    public void Scan_ErrInTheMiddleOfRows_CompletesAtTheErrWithItsCode(bool deprecateEof, string vectorName)
    {
        var vector = Vectors.Get(vectorName);
        Assert.Equal(deprecateEof, vector.DeprecateEof);
        var packets = Packets.Physical(Vectors.Load(vector));
        // Keep the header, the columns (and EOF) and the first row; then the server gives up with ERR 1317.
        var rowsStart = packets.Count - 1 - vector.Rows;
        var kept = packets.Take(rowsStart + 1).ToList();
        var err = new ErrPacket(1317, "70100", "Query execution was interrupted").Serialize();
        kept.Add(Packets.Frame(err, (byte)(kept[^1][3] + 1)));
        var response = Packets.Concat(kept);
        var stream = Packets.Concat(response, Packets.Hex(vector.Next));

        var whole = ScanDriver.ScanAll(new ReadOnlySequence<byte>(stream), ResponseShape.ResultSets, deprecateEof);
        var fed = ScanDriver.Feed(stream, _ => 1, ResponseShape.ResultSets, deprecateEof, oneBytePerSegment: true);

        foreach (var outcome in new[] { whole, fed })
        {
            Assert.Equal([(ScanStatus.Complete, (long)response.Length)], outcome.Events);
            Assert.True(outcome.Scanner.IsError);
            Assert.Equal(1317, outcome.Scanner.ErrorCode);
            Assert.Equal(kept.Count, outcome.Scanner.PacketCount);
        }
    }

    [Fact]
    public void Scan_ShapeNone_CompletesAtOnceWithoutConsuming()
    {
        var scanner = new ResponseScanner();
        scanner.Start(ResponseShape.None, deprecateEof: true);

        var status = scanner.Scan(new ReadOnlySequence<byte>(Packets.Hex("0700000100000002000000")), out var consumed);

        Assert.Equal(ScanStatus.Complete, status);
        Assert.Equal(0, consumed.GetInteger());
        Assert.True(scanner.IsComplete);
    }

    [Fact]
    public void Scan_EmptyBuffer_NeedsMoreData()
    {
        var scanner = new ResponseScanner();
        scanner.Start(ResponseShape.ResultSets, deprecateEof: false);

        var status = scanner.Scan(ReadOnlySequence<byte>.Empty, out _);

        Assert.Equal(ScanStatus.NeedMoreData, status);
        Assert.False(scanner.IsComplete);
    }

    [Fact]
    public void Start_AfterAResponse_ResetsErrorStatusAndCounts()
    {
        var err = Vectors.Load("query_error_syntax.eof.hex");
        var ok = Vectors.Load("query_insert_ok.eof.hex");
        var scanner = new ResponseScanner();
        scanner.Start(ResponseShape.ResultSets, deprecateEof: false);
        Assert.Equal(ScanStatus.Complete, scanner.Scan(new ReadOnlySequence<byte>(err), out _));
        Assert.True(scanner.IsError);

        scanner.Start(ResponseShape.ResultSets, deprecateEof: false);
        var status = scanner.Scan(new ReadOnlySequence<byte>(ok), out _);

        Assert.Equal(ScanStatus.Complete, status);
        Assert.False(scanner.IsError);
        Assert.Equal(0, scanner.ErrorCode);
        Assert.Equal(1, scanner.PacketCount);
        Assert.Equal(ServerStatusFlags.Autocommit, scanner.Status);
    }

    [Theory]
    [InlineData(CommandCode.Query, ResponseShape.ResultSets)]
    [InlineData(CommandCode.StmtExecute, ResponseShape.ResultSets)]
    [InlineData(CommandCode.StmtPrepare, ResponseShape.Prepare)]
    [InlineData(CommandCode.StmtFetch, ResponseShape.Fetch)]
    [InlineData(CommandCode.FieldList, ResponseShape.FieldList)]
    [InlineData(CommandCode.Statistics, ResponseShape.RawSinglePacket)]
    [InlineData(CommandCode.Ping, ResponseShape.SinglePacket)]
    [InlineData(CommandCode.InitDb, ResponseShape.SinglePacket)]
    [InlineData(CommandCode.SetOption, ResponseShape.SinglePacket)]
    [InlineData(CommandCode.StmtReset, ResponseShape.SinglePacket)]
    [InlineData(CommandCode.ResetConnection, ResponseShape.SinglePacket)]
    [InlineData(CommandCode.StmtClose, ResponseShape.None)]
    [InlineData(CommandCode.StmtSendLongData, ResponseShape.None)]
    [InlineData(CommandCode.Quit, ResponseShape.None)]
    public void ResponseShapesFor_Command_IsTheShapeOfItsResponse(CommandCode command, ResponseShape expected)
    {
        Assert.Equal(expected, ResponseShapes.For(command));
    }

    /// <summary>A text row whose single value fills <paramref name="payloadLength"/> bytes. The first byte of
    /// each continuation packet is overwritten with <paramref name="continuationStart"/>, and the last
    /// continuation with <paramref name="lastContinuation"/> (which must have exactly its length).</summary>
    private static byte[] BigRowPayload(int payloadLength, byte[]? continuationStart, byte[]? lastContinuation)
    {
        var row = new byte[payloadLength];
        int prefix;
        if (payloadLength - 9 >= 1 << 24)
        {
            prefix = 9;
            row[0] = 0xFE;
            BitConverter.TryWriteBytes(row.AsSpan(1, 8), (ulong)(payloadLength - 9));
        }
        else
        {
            prefix = 4;
            row[0] = 0xFD;
            var length = payloadLength - 4;
            Assert.InRange(length, 0, 0xFFFFFF); // else no single value fills exactly this payload
            row[1] = (byte)length;
            row[2] = (byte)(length >> 8);
            row[3] = (byte)(length >> 16);
        }
        row.AsSpan(prefix).Fill((byte)'x');
        for (var offset = Packets.Max; offset < payloadLength; offset += Packets.Max)
            continuationStart?.CopyTo(row.AsSpan(offset));
        if (lastContinuation is not null)
        {
            var lastStart = payloadLength / Packets.Max * Packets.Max;
            Assert.Equal(lastContinuation.Length, payloadLength - lastStart);
            lastContinuation.CopyTo(row.AsSpan(lastStart));
        }
        return row;
    }

    /// <summary>The captured response to SELECT REPEAT('y', 300) with its row replaced by <paramref name="row"/>,
    /// sequence ids renumbered, followed by the COM_PING OK that followed it on the wire.</summary>
    private static (byte[] Stream, long End, int LogicalPackets) WithRow(bool deprecateEof, byte[] row)
    {
        var vector = Vectors.Get(deprecateEof ? "query_select_wide_row.deprecate_eof" : "query_select_wide_row.eof");
        var captured = Packets.Physical(Vectors.Load(vector));
        Assert.Equal(1, vector.Rows);
        var head = captured.Take(captured.Count - 2).ToList(); // column count, definition (and EOF)
        var terminatorPayload = captured[^1][4..];
        var seq = (byte)(head[^1][3] + 1);
        var rowPackets = Packets.FrameSplit(row, seq);
        var terminator = Packets.Frame(terminatorPayload, (byte)(seq + rowPackets.Count));
        var response = Packets.Concat([.. head, .. rowPackets, terminator]);
        var stream = Packets.Concat(response, Packets.Hex(vector.Next));
        return (stream, response.Length, head.Count + 2);
    }
}
