using Switchyard.Protocol.Commands;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.PreparedStatements;

public sealed class StatementIdFieldTests
{
    // Statement id 0x0000352A (13610) in each command, followed by that command's own fields.
    [Theory]
    [InlineData("17 2a350000 00 01000000 00 01 0800 0300000000000000")] // COM_STMT_EXECUTE, one BIGINT parameter
    [InlineData("17 2a350000 01 01000000")]                          // COM_STMT_EXECUTE, no parameters, read-only cursor
    [InlineData("18 2a350000 0100 616263")]                          // COM_STMT_SEND_LONG_DATA, parameter 1, "abc"
    [InlineData("19 2a350000")]                                      // COM_STMT_CLOSE
    [InlineData("1a 2a350000")]                                      // COM_STMT_RESET
    [InlineData("1c 2a350000 02000000")]                             // COM_STMT_FETCH, 2 rows
    [InlineData("fa 2a350000 8000 0800 00 0300000000000000")]        // COM_STMT_BULK_EXECUTE, types sent, one row
    public void TryRead_StatementCommand_ReadsTheIdAfterTheCommandByte(string hex)
    {
        Assert.True(StatementIdField.TryRead(Packets.Hex(hex), out var id));

        Assert.Equal(0x352Au, id);
    }

    [Theory]
    [InlineData("16 53454c45435420313f")] // COM_STMT_PREPARE "SELECT 1?": creates an id, carries none
    [InlineData("03 2a350000")]           // COM_QUERY
    [InlineData("1b 0000")]               // COM_SET_OPTION
    [InlineData("0e")]                    // COM_PING
    [InlineData("")]
    public void TryRead_OtherCommand_ReturnsFalse(string hex)
    {
        Assert.False(StatementIdField.TryRead(Packets.Hex(hex), out var id));
        Assert.Equal(0u, id);
    }

    [Theory]
    [InlineData(0x17)]
    [InlineData(0x18)]
    [InlineData(0x19)]
    [InlineData(0x1a)]
    [InlineData(0x1c)]
    [InlineData(0xfa)]
    public void TryRead_TruncatedId_ReturnsFalse(byte command)
    {
        byte[] payload = [command, 0x2a, 0x35, 0x00, 0x00];
        for (var length = 0; length < StatementIdField.MinPayloadLength; length++)
            Assert.False(StatementIdField.TryRead(payload.AsSpan(0, length), out _));
        Assert.True(StatementIdField.TryRead(payload, out _));
    }

    [Fact]
    public void TryRead_MariaDbLastPrepared_ReadsMinusOne()
    {
        Assert.True(StatementIdField.TryRead(Packets.Hex("17 ffffffff 00 01000000"), out var id));

        Assert.Equal(StatementIdField.LastPrepared, id);
        Assert.Equal(uint.MaxValue, StatementIdField.LastPrepared);
    }

    [Fact]
    public void Write_Execute_PatchesOnlyTheId()
    {
        var payload = Packets.Hex("17 2a350000 00 01000000 02 01 fd00 0600 02 7073");

        StatementIdField.Write(payload, 0x04030201);

        Assert.Equal(Packets.Hex("17 01020304 00 01000000 02 01 fd00 0600 02 7073"), payload);
    }

    [Fact]
    public void Write_Fetch_PatchesOnlyTheId()
    {
        var payload = Packets.Hex("1c 2a350000 02000000");

        StatementIdField.Write(payload, 7);

        Assert.Equal(Packets.Hex("1c 07000000 02000000"), payload);
    }

    [Fact]
    public void Write_ThenTryRead_RoundTrips()
    {
        var payload = Packets.Hex("19 00000000");

        StatementIdField.Write(payload, 0xDEADBEEF);

        Assert.True(StatementIdField.TryRead(payload, out var id));
        Assert.Equal(0xDEADBEEFu, id);
    }

    [Theory]
    [InlineData("03 2a350000")]
    [InlineData("19 2a35")]
    [InlineData("")]
    public void Write_NotAStatementCommand_Throws(string hex)
    {
        Assert.Throws<ArgumentException>(() => StatementIdField.Write(Packets.Hex(hex), 1));
    }

    [Theory]
    [InlineData(CommandCode.StmtExecute, true)]
    [InlineData(CommandCode.StmtSendLongData, true)]
    [InlineData(CommandCode.StmtClose, true)]
    [InlineData(CommandCode.StmtReset, true)]
    [InlineData(CommandCode.StmtFetch, true)]
    [InlineData(CommandCode.StmtBulkExecute, true)]
    [InlineData(CommandCode.StmtPrepare, false)]
    [InlineData(CommandCode.Query, false)]
    public void Carries_Command_OnlyForStatementCommands(CommandCode command, bool expected)
    {
        Assert.Equal(expected, StatementIdField.Carries(command));
    }
}
