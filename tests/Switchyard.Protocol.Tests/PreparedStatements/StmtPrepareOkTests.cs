using System.Buffers;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.PreparedStatements;

public sealed class StmtPrepareOkTests
{
    public static TheoryData<string> PrepareOkVectors() => new(Vectors.Manifest.Vectors
        .Where(v => v.Name.StartsWith("stmt_prepare_", StringComparison.Ordinal) && !v.IsError).Select(v => v.Name));

    private static byte[] FirstPayload(VectorInfo vector) => Packets.Physical(Vectors.Load(vector))[0][4..];

    [Theory]
    [MemberData(nameof(PrepareOkVectors))]
    public void TryParse_RealPrepareOk_MatchesWhatTheServerSaid(string name)
    {
        var vector = Vectors.Get(name);

        Assert.True(StmtPrepareOk.TryParse(FirstPayload(vector), out var ok));

        Assert.Equal(vector.PreparedStatementId, ok.StatementId);
        Assert.Equal(vector.PreparedColumns, ok.ColumnCount);
        Assert.Equal(vector.PreparedParameters, ok.ParameterCount);
        Assert.Equal(0, ok.WarningCount);
        Assert.Null(ok.MetadataFollows); // MariaDB sends 12 bytes
    }

    [Fact]
    public void TryParse_RealPrepareOkBytes_ReadsEachField()
    {
        // stmt_prepare_params_columns.eof: SELECT id, v, n FROM t WHERE id <= ? — id 13745, 3 columns, 1 parameter.
        var payload = FirstPayload(Vectors.Get("stmt_prepare_params_columns.eof"));
        Assert.Equal(Packets.Hex("00 b1350000 0300 0100 00 0000"), payload);

        Assert.True(StmtPrepareOk.TryParse(payload, out var ok));

        Assert.Equal(new StmtPrepareOk(13745, 3, 1, 0, null), ok);
    }

    [Theory]
    [InlineData("stmt_prepare_error.eof")]
    [InlineData("stmt_prepare_error.deprecate_eof")]
    public void TryParse_RealPrepareError_ReturnsFalse(string name)
    {
        Assert.False(StmtPrepareOk.TryParse(FirstPayload(Vectors.Get(name)), out _));
    }

    [Fact]
    public void TryParse_MySql8WithMetadataFollows_ReadsIt()
    {
        Assert.True(StmtPrepareOk.TryParse(Packets.Hex("00 01000000 0200 0300 00 0500 01"), out var ok));

        Assert.Equal(new StmtPrepareOk(1, 2, 3, 5, 1), ok);
    }

    [Fact]
    public void TryParse_NineByteMinimum_HasNoWarnings()
    {
        Assert.True(StmtPrepareOk.TryParse(Packets.Hex("00 07000000 0100 0200"), out var ok));

        Assert.Equal(new StmtPrepareOk(7, 1, 2, 0, null), ok);
    }

    [Fact]
    public void TryParse_EveryTooShortPrefix_ReturnsFalse()
    {
        var payload = Packets.Hex("00 07000000 0100 0200 00 0000");
        for (var length = 0; length < StmtPrepareOk.MinLength; length++)
            Assert.False(StmtPrepareOk.TryParse(payload.AsSpan(0, length), out _));
    }

    [Fact]
    public void RewriteStatementId_RealPrepareOk_PatchesOnlyTheId()
    {
        var payload = FirstPayload(Vectors.Get("stmt_prepare_no_columns.eof"));

        Assert.True(StmtPrepareOk.RewriteStatementId(payload, 0x04030201));

        Assert.Equal(Packets.Hex("00 01020304 0000 0200 00 0000"), payload);
    }

    [Theory]
    [MemberData(nameof(PrepareOkVectors))]
    public void RewriteStatementId_WholeRealResponse_ScannerSeesTheNewIdAndTheSameEnd(string name)
    {
        var vector = Vectors.Get(name);
        var bytes = Vectors.Load(vector);

        Assert.True(StmtPrepareOk.RewriteStatementId(bytes.AsSpan(4), 42));

        var outcome = ScanDriver.ScanAll(new ReadOnlySequence<byte>(bytes), ResponseShape.Prepare, vector.DeprecateEof);
        Assert.Equal([ScanStatus.Complete], outcome.Statuses);
        Assert.Equal(bytes.Length, outcome.StoppedAt);
        Assert.Equal(42u, outcome.Scanner.PreparedStatementId);
    }

    [Fact]
    public void RewriteStatementId_ErrPacket_ReturnsFalseAndLeavesItAlone()
    {
        var payload = FirstPayload(Vectors.Get("stmt_prepare_error.eof"));
        var before = payload.ToArray();

        Assert.False(StmtPrepareOk.RewriteStatementId(payload, 42));

        Assert.Equal(before, payload);
    }

    [Fact]
    public void RewriteStatementId_TooShort_ReturnsFalse()
    {
        var payload = Packets.Hex("00 07000000 01");

        Assert.False(StmtPrepareOk.RewriteStatementId(payload, 42));

        Assert.Equal(Packets.Hex("00 07000000 01"), payload);
    }

    [Fact]
    public void Create_ThenTryParse_RoundTrips()
    {
        var bytes = StmtPrepareOk.Create(13745, 3, 1, warningCount: 2);

        Assert.Equal(Packets.Hex("00 b1350000 0300 0100 00 0200"), bytes);
        Assert.True(StmtPrepareOk.TryParse(bytes, out var ok));
        Assert.Equal(new StmtPrepareOk(13745, 3, 1, 2, null), ok);
    }
}
