using System.Buffers;
using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Responses;

public sealed class TextResultSetWriterTests
{
    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 5)]
    public void OneRow_IsAWholeResultSetForTheScanner(bool deprecateEof, int packets)
    {
        var payloads = TextResultSetWriter.OneRow(["@@switchyard.consistency"], ["strong"], deprecateEof, ServerStatusFlags.Autocommit);
        var stream = Packets.Concat(payloads.Select((p, i) => Packets.Frame(p, (byte)(i + 1))));

        var outcome = ScanDriver.ScanAll(new ReadOnlySequence<byte>(stream), ResponseShape.ResultSets, deprecateEof);

        Assert.Equal(packets, payloads.Count);
        Assert.Equal([(ScanStatus.Complete, (long)stream.Length)], outcome.Events);
        Assert.Equal(ServerStatusFlags.Autocommit, outcome.Scanner.Status);
        Assert.False(outcome.Scanner.IsError);
    }

    [Fact]
    public void OneRow_NullValue_IsTheNullMarker()
    {
        var payloads = TextResultSetWriter.OneRow(["a", "b"], [null, "x"], true, ServerStatusFlags.Autocommit);

        Assert.Equal([0xFB, 0x01, (byte)'x'], payloads[^2]);
    }
}
