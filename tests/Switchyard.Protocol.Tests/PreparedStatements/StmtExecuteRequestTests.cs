using System.Buffers;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.PreparedStatements;

/// <summary>Payloads written by hand from https://mariadb.com/kb/en/com_stmt_execute/ : 0x17, statement id u32,
/// flags u8, iteration count u32 (1), then with parameters the NULL bitmap ((n + 7) / 8 bytes),
/// new_params_bound_flag u8, types (type u8 + flags u8 per parameter) when the flag is 1, and the values.</summary>
public sealed class StmtExecuteRequestTests
{
    // INSERT INTO t (v, n) VALUES (?, ?) with ('ps', NULL), as tools/CaptureVectors sent it to the server:
    // NULL bitmap 0b10 (parameter 2 is NULL), types VAR_STRING (0xfd) and NULL (0x06), one value: lenenc "ps".
    private const string InsertBound = "17 b3350000 00 01000000 02 01 fd00 0600 02 7073";
    // The same execute on the client's second call: types already bound, flag 0, no types.
    private const string InsertUnbound = "17 b3350000 00 01000000 02 00 02 7073";
    private static readonly byte[] InsertTypes = Packets.Hex("fd00 0600");

    [Fact]
    public void TryParse_TypesBound_ExposesEveryPart()
    {
        var payload = Packets.Hex(InsertBound);

        Assert.True(StmtExecuteRequest.TryParse(payload, 2, out var layout));

        Assert.Equal(13747u, layout.StatementId);
        Assert.Equal(CursorType.NoCursor, layout.CursorFlags);
        Assert.Equal(1u, layout.IterationCount);
        Assert.Equal(2, layout.ParameterCount);
        Assert.Equal(1, layout.NullBitmapLength);
        Assert.Equal(0x02, payload[StmtExecuteRequest.NullBitmapOffset]);
        Assert.True(layout.NewParamsBound);
        Assert.Equal(12, layout.TypesOffset);
        Assert.Equal(4, layout.TypesLength);
        Assert.Equal(InsertTypes, payload.AsSpan(layout.TypesOffset, layout.TypesLength).ToArray());
        Assert.Equal(16, layout.ValuesOffset);
        Assert.Equal(Packets.Hex("02 7073"), payload[layout.ValuesOffset..]);
    }

    [Fact]
    public void TryParse_TypesNotBound_TypesAreEmptyAndValuesFollowTheFlag()
    {
        var payload = Packets.Hex(InsertUnbound);

        Assert.True(StmtExecuteRequest.TryParse(payload, 2, out var layout));

        Assert.False(layout.NewParamsBound);
        Assert.Equal(12, layout.TypesOffset);
        Assert.Equal(0, layout.TypesLength);
        Assert.Equal(12, layout.ValuesOffset);
        Assert.Equal(Packets.Hex("02 7073"), payload[layout.ValuesOffset..]);
    }

    [Fact]
    public void TryParse_NoParameters_EndsAfterTheIterationCount()
    {
        // SELECT id, v FROM t WHERE id <= 5 with a read-only cursor, as captured for stmt_execute_cursor.
        var payload = Packets.Hex("17 b2350000 01 01000000");

        Assert.True(StmtExecuteRequest.TryParse(payload, 0, out var layout));

        Assert.Equal(13746u, layout.StatementId);
        Assert.Equal(CursorType.ReadOnly, layout.CursorFlags);
        Assert.Equal(0, layout.NullBitmapLength);
        Assert.False(layout.NewParamsBound);
        Assert.Equal(10, layout.TypesOffset);
        Assert.Equal(0, layout.TypesLength);
        Assert.Equal(10, layout.ValuesOffset);
    }

    [Fact]
    public void TryParse_FlagsWithOtherBits_CursorFlagsKeepsOnlyTheCursor()
    {
        // 0x09: read-only cursor plus MySQL's PARAMETER_COUNT_AVAILABLE, meaningless without CLIENT_QUERY_ATTRIBUTES.
        Assert.True(StmtExecuteRequest.TryParse(Packets.Hex("17 01000000 09 01000000"), 0, out var layout));

        Assert.Equal(0x09, layout.Flags);
        Assert.Equal(CursorType.ReadOnly, layout.CursorFlags);
    }

    [Fact]
    public void TryParse_NineParameters_UsesATwoByteBitmap()
    {
        var payload = Packets.Hex("17 05000000 00 01000000 ff01 00");

        Assert.True(StmtExecuteRequest.TryParse(payload, 9, out var layout));

        Assert.Equal(2, layout.NullBitmapLength);
        Assert.False(layout.NewParamsBound);
        Assert.Equal(13, layout.TypesOffset);
        Assert.Equal(13, layout.ValuesOffset);
    }

    [Fact]
    public void TryParse_NonZeroBoundFlag_CountsAsBound()
    {
        Assert.True(StmtExecuteRequest.TryParse(Packets.Hex("17 01000000 00 01000000 00 02 0800 0100000000000000"), 1, out var layout));

        Assert.True(layout.NewParamsBound);
        Assert.Equal(2, layout.TypesLength);
    }

    [Theory]
    [InlineData(InsertBound, 2)]
    [InlineData(InsertUnbound, 2)]
    [InlineData("17 b2350000 01 01000000", 0)]
    public void TryParse_EveryTruncatedHead_ReturnsFalse(string hex, int paramCount)
    {
        var payload = Packets.Hex(hex);
        Assert.True(StmtExecuteRequest.TryParse(payload, paramCount, out var full));

        // Values are not read, so only cutting into the head (up to ValuesOffset) must fail.
        for (var length = 0; length < full.ValuesOffset; length++)
            Assert.False(StmtExecuteRequest.TryParse(payload.AsSpan(0, length), paramCount, out _));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void TryParse_ParameterCountOutOfRange_ReturnsFalse(int paramCount)
    {
        Assert.False(StmtExecuteRequest.TryParse(Packets.Hex(InsertBound), paramCount, out _));
    }

    [Theory]
    [InlineData("16 b3350000 00 01000000 02 00 02 7073")] // COM_STMT_PREPARE byte
    [InlineData("19 b3350000 00 01000000 02 00 02 7073")] // COM_STMT_CLOSE byte
    public void TryParse_NotAnExecute_ReturnsFalse(string hex)
    {
        Assert.False(StmtExecuteRequest.TryParse(Packets.Hex(hex), 2, out _));
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        for (var i = 0; i < 20_000; i++)
        {
            var payload = new byte[random.Next(0, 40)];
            random.NextBytes(payload);
            if (payload.Length > 0 && random.Next(2) == 0)
                payload[0] = 0x17;
            var paramCount = random.Next(-2, 20);
            if (StmtExecuteRequest.TryParse(payload, paramCount, out var layout))
            {
                Assert.InRange(layout.ValuesOffset, StmtExecuteRequest.FixedLength, payload.Length);
                Assert.Equal(layout.ValuesOffset, layout.TypesOffset + layout.TypesLength);
            }
        }
    }

    [Fact]
    public void WriteWithTypes_FlagZeroWithCachedTypes_EqualsWhatAClientSendsWithFlagOne()
    {
        // The client bound the types on connection A (statement 13747 there); this execute goes to connection B,
        // where the statement was prepared lazily as id 0x2a.
        var payload = Packets.Hex(InsertUnbound);
        Assert.True(StmtExecuteRequest.TryParse(payload, 2, out var layout));
        var destination = new byte[StmtExecuteRequest.RequiredLength(payload, layout)];

        var written = StmtExecuteRequest.WriteWithTypes(payload, layout, InsertTypes, destination, 0x2a);

        Assert.Equal(Packets.Hex("17 2a000000 00 01000000 02 01 fd00 0600 02 7073"), destination);
        Assert.Equal(destination.Length, written);
        Assert.Equal(payload.Length + 4, written);
    }

    [Fact]
    public void WriteWithTypes_NineParametersWithCursor_KeepsFlagsBitmapAndValues()
    {
        // Nine parameters: 1-8 TINY (0x01), 9 LONGLONG unsigned (0x08, 0x80). Parameters 2 and 9 are NULL:
        // bitmap 0x02 0x01. Values for 1, 3..8: one byte each.
        var types = Packets.Hex("0100 0100 0100 0100 0100 0100 0100 0100 0880");
        var unbound = Packets.Hex("17 09000000 01 01000000 0201 00 0b 0c 0d 0e 0f 10 11");
        var bound = Packets.Hex("17 63000000 01 01000000 0201 01 0100 0100 0100 0100 0100 0100 0100 0100 0880 0b 0c 0d 0e 0f 10 11");
        Assert.True(StmtExecuteRequest.TryParse(unbound, 9, out var layout));
        var destination = new byte[StmtExecuteRequest.RequiredLength(unbound, layout)];

        StmtExecuteRequest.WriteWithTypes(unbound, layout, types, destination, 99);

        Assert.Equal(bound, destination);
        Assert.True(StmtExecuteRequest.TryParse(destination, 9, out var rebuilt));
        Assert.True(rebuilt.NewParamsBound);
        Assert.Equal(CursorType.ReadOnly, rebuilt.CursorFlags);
        Assert.Equal(types, destination.AsSpan(rebuilt.TypesOffset, rebuilt.TypesLength).ToArray());
        Assert.Equal(unbound[layout.ValuesOffset..], destination[rebuilt.ValuesOffset..]);
    }

    [Fact]
    public void WriteWithTypes_AllNullNoValues_AddsOnlyTheTypes()
    {
        var unbound = Packets.Hex("17 01000000 00 01000000 01 00");
        Assert.True(StmtExecuteRequest.TryParse(unbound, 1, out var layout));
        var destination = new byte[StmtExecuteRequest.RequiredLength(unbound, layout)];

        StmtExecuteRequest.WriteWithTypes(unbound, layout, Packets.Hex("0600"), destination, 2);

        Assert.Equal(Packets.Hex("17 02000000 00 01000000 01 01 0600"), destination);
    }

    [Fact]
    public void WriteWithTypes_NoParameters_CopiesWithTheNewId()
    {
        var payload = Packets.Hex("17 b2350000 01 01000000");
        Assert.True(StmtExecuteRequest.TryParse(payload, 0, out var layout));
        var destination = new byte[StmtExecuteRequest.RequiredLength(payload, layout)];

        var written = StmtExecuteRequest.WriteWithTypes(payload, layout, [], destination, 3);

        Assert.Equal(10, written);
        Assert.Equal(Packets.Hex("17 03000000 01 01000000"), destination);
    }

    [Fact]
    public void WriteWithTypes_ClientAlreadyBoundTypes_ReplacesThemAndKeepsTheLength()
    {
        var payload = Packets.Hex(InsertBound);
        Assert.True(StmtExecuteRequest.TryParse(payload, 2, out var layout));
        var destination = new byte[StmtExecuteRequest.RequiredLength(payload, layout)];

        StmtExecuteRequest.WriteWithTypes(payload, layout, Packets.Hex("fe00 0600"), destination, 0x2a);

        Assert.Equal(Packets.Hex("17 2a000000 00 01000000 02 01 fe00 0600 02 7073"), destination);
    }

    [Fact]
    public void WriteWithTypes_BufferWriter_WritesTheSameBytes()
    {
        var payload = Packets.Hex(InsertUnbound);
        Assert.True(StmtExecuteRequest.TryParse(payload, 2, out var layout));
        var writer = new ArrayBufferWriter<byte>(1);

        var written = StmtExecuteRequest.WriteWithTypes(payload, layout, InsertTypes, writer, 0x2a);

        Assert.Equal(written, writer.WrittenCount);
        Assert.Equal(Packets.Hex("17 2a000000 00 01000000 02 01 fd00 0600 02 7073"), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteHeadWithTypes_HeadThenOriginalValues_EqualsTheWholeRebuild()
    {
        var payload = Packets.Hex(InsertUnbound);
        Assert.True(StmtExecuteRequest.TryParse(payload.AsSpan(0, 12), 2, out var layout)); // the head is enough
        var head = new byte[StmtExecuteRequest.HeadLengthWithTypes(layout)];

        var written = StmtExecuteRequest.WriteHeadWithTypes(payload.AsSpan(0, layout.ValuesOffset), layout, InsertTypes, head, 0x2a);

        Assert.Equal(16, written);
        Assert.Equal(Packets.Hex("17 2a000000 00 01000000 02 01 fd00 0600 02 7073"), Packets.Concat(head, payload[layout.ValuesOffset..]));
    }

    [Theory]
    [InlineData("fd00")]
    [InlineData("fd00 0600 0600")]
    [InlineData("")]
    public void WriteWithTypes_WrongNumberOfTypeBytes_Throws(string typesHex)
    {
        var payload = Packets.Hex(InsertUnbound);
        Assert.True(StmtExecuteRequest.TryParse(payload, 2, out var layout));

        Assert.Throws<ArgumentException>(() => StmtExecuteRequest.WriteWithTypes(payload, layout, Packets.Hex(typesHex), new byte[64], 1));
    }

    [Fact]
    public void WriteWithTypes_DestinationTooShort_Throws()
    {
        var payload = Packets.Hex(InsertUnbound);
        Assert.True(StmtExecuteRequest.TryParse(payload, 2, out var layout));
        var destination = new byte[StmtExecuteRequest.RequiredLength(payload, layout) - 1];

        Assert.Throws<ArgumentException>(() => StmtExecuteRequest.WriteWithTypes(payload, layout, InsertTypes, destination, 1));
    }

    [Fact]
    public void WriteWithTypes_LayoutOfAnotherPayload_Throws()
    {
        Assert.True(StmtExecuteRequest.TryParse(Packets.Hex(InsertBound), 2, out var layout));

        Assert.Throws<ArgumentException>(() => StmtExecuteRequest.WriteWithTypes(Packets.Hex("17 01000000 00 01000000"), layout, InsertTypes, new byte[64], 1));
        Assert.Throws<ArgumentException>(() => StmtExecuteRequest.WriteWithTypes(Packets.Hex(InsertBound), default, InsertTypes, new byte[64], 1));
    }
}
