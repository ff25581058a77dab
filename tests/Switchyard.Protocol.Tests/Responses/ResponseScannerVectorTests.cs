using System.Buffers;
using Switchyard.Protocol.Responses;
using Switchyard.Protocol.Tests.Support;

namespace Switchyard.Protocol.Tests.Responses;

/// <summary>
/// ResponseScanner over responses captured from a real MariaDB 10.11 (tools/CaptureVectors). Where each response
/// ends was found by a pipelined COM_PING (its OK restarts the sequence ids) and confirmed by the capture tool's
/// own naive protocol reading; statuses, error codes and prepared counts come from that reading and from the
/// server itself (Vectors/manifest.json), never from ResponseScanner.
/// </summary>
public sealed class ResponseScannerVectorTests
{
    public static TheoryData<string> Small => Vectors.SmallNames();
    public static TheoryData<string> Large => Vectors.LargeNames();

    [Fact]
    public void Manifest_CoversEveryResponseKindInBothEofModes()
    {
        var names = Vectors.Manifest.Vectors.Select(v => v.Name).ToHashSet();
        string[] kinds =
        [
            "query_insert_ok", "query_error_syntax", "query_select_rows", "query_select_empty", "query_select_null",
            "query_multi", "query_multi_error", "query_call_result", "query_local_infile", "stmt_prepare_params_columns",
            "stmt_prepare_no_params", "stmt_prepare_no_columns", "stmt_execute_rows", "stmt_execute_cursor", "stmt_fetch_1",
            "stmt_fetch_2", "stmt_fetch_3", "stmt_execute_out_params", "com_field_list", "com_ping", "com_statistics",
            "com_set_option", "com_init_db_ok", "com_init_db_error", "query_select_exact_split", "query_select_17mib",
        ];
        foreach (var kind in kinds)
        {
            Assert.Contains($"{kind}.eof", names);
            Assert.Contains($"{kind}.deprecate_eof", names);
        }
        Assert.All(Vectors.Manifest.Vectors.Where(v => !v.IsLarge), v => Assert.True(new FileInfo(Vectors.PathOf(v.File)).Length < 100_000));
    }

    [Theory]
    [MemberData(nameof(Small))]
    public void Scan_WholeVector_CompletesExactlyAtTheEnd(string name)
    {
        var (vector, bytes) = Load(name);

        var outcome = ScanDriver.ScanAll(new ReadOnlySequence<byte>(bytes), vector.ResponseShape, vector.DeprecateEof);

        AssertEndsAt(vector, outcome, bytes.Length);
    }

    [Theory]
    [MemberData(nameof(Small))]
    public void Scan_WholeVectorOneBytePerSegment_CompletesExactlyAtTheEnd(string name)
    {
        var (vector, bytes) = Load(name);

        var outcome = ScanDriver.ScanAll(Sequences.OneBytePerSegment(bytes), vector.ResponseShape, vector.DeprecateEof);

        AssertEndsAt(vector, outcome, bytes.Length);
    }

    [Theory]
    [MemberData(nameof(Small))]
    public void Scan_EveryTwoSegmentSplit_CompletesExactlyAtTheEnd(string name)
    {
        var (vector, bytes) = Load(name);

        for (var split = 0; split <= bytes.Length; split++)
        {
            var outcome = ScanDriver.ScanAll(Sequences.SplitAt(bytes, split), vector.ResponseShape, vector.DeprecateEof);
            AssertEndsAt(vector, outcome, bytes.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Small))]
    public void Scan_FedOneByteAtATime_NeverConsumesPastWhatItWasGivenAndCompletesOnceAtTheEnd(string name)
    {
        var (vector, bytes) = Load(name);

        var contiguous = ScanDriver.Feed(bytes, _ => 1, vector.ResponseShape, vector.DeprecateEof);
        var segmented = ScanDriver.Feed(bytes, _ => 1, vector.ResponseShape, vector.DeprecateEof, oneBytePerSegment: true);

        AssertEndsAt(vector, contiguous, bytes.Length);
        AssertEndsAt(vector, segmented, bytes.Length);
        Assert.Equal(ExpectedEventOffsets(vector, bytes), contiguous.Events.Select(e => e.Offset));
    }

    [Theory]
    [MemberData(nameof(Small))]
    public void Scan_FollowedByTheNextResponse_StopsExactlyAtTheBoundary(string name)
    {
        var (vector, bytes) = Load(name);
        // The COM_PING OK that really followed this response on the wire, then more of the same.
        var next = Packets.Hex(vector.Next);
        var stream = Packets.Concat(bytes, next, next);

        var whole = ScanDriver.ScanAll(new ReadOnlySequence<byte>(stream), vector.ResponseShape, vector.DeprecateEof);
        AssertEndsAt(vector, whole, bytes.Length);
        for (var split = 0; split <= stream.Length; split++)
            AssertEndsAt(vector, ScanDriver.ScanAll(Sequences.SplitAt(stream, split), vector.ResponseShape, vector.DeprecateEof), bytes.Length);
        var random = new Random(name.Length);
        var chunked = ScanDriver.Feed(stream, _ => random.Next(1, 40), vector.ResponseShape, vector.DeprecateEof);
        AssertEndsAt(vector, chunked, bytes.Length);

        // The scanner is reusable: the next response (a single OK) is found right after.
        var pingScanner = ScanDriver.ScanAll(new ReadOnlySequence<byte>(stream).Slice(bytes.Length), ResponseShape.SinglePacket, vector.DeprecateEof);
        Assert.Equal([(ScanStatus.Complete, (long)next.Length)], pingScanner.Events);
    }

    [Theory]
    [MemberData(nameof(Small))]
    public void Scan_Vector_ReportsStatusErrorAndPreparedCountsOfTheManifest(string name)
    {
        var (vector, bytes) = Load(name);

        var scanner = ScanDriver.ScanAll(Sequences.OneBytePerSegment(bytes), vector.ResponseShape, vector.DeprecateEof).Scanner;

        AssertManifestFacts(vector, scanner);
    }

    [Theory]
    [MemberData(nameof(Large))]
    public void Scan_LargeVector_CompletesExactlyAtTheEndWithTheManifestFacts(string name)
    {
        var (vector, bytes) = Load(name);

        var outcome = ScanDriver.ScanAll(new ReadOnlySequence<byte>(bytes), vector.ResponseShape, vector.DeprecateEof);

        AssertEndsAt(vector, outcome, bytes.Length);
        AssertManifestFacts(vector, outcome.Scanner);
        Assert.True(vector.PhysicalPackets > vector.Packets, "a 16 MiB row is split over several packets");
    }

    [Theory]
    [MemberData(nameof(Large))]
    public void Scan_LargeVectorSplitNearEveryPacketBoundary_CompletesExactlyAtTheEnd(string name)
    {
        var (vector, bytes) = Load(name);
        var stream = Packets.Concat(bytes, Packets.Hex(vector.Next));

        foreach (var boundary in Boundaries(stream))
        {
            for (var delta = -40; delta <= 40; delta++)
            {
                var outcome = ScanDriver.ScanAll(Sequences.SplitAt(stream, boundary + delta, boundary + delta + 1), vector.ResponseShape, vector.DeprecateEof);
                AssertEndsAt(vector, outcome, bytes.Length);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Large))]
    public void Scan_LargeVectorFedByteByByteNearBoundaries_CompletesOnceAtTheBoundary(string name)
    {
        var (vector, bytes) = Load(name);
        var stream = Packets.Concat(bytes, Packets.Hex(vector.Next));

        var outcome = ScanDriver.Feed(stream, ScanDriver.FineNearBoundaries(stream, 48, 1 << 20), vector.ResponseShape, vector.DeprecateEof);

        AssertEndsAt(vector, outcome, bytes.Length);
        AssertManifestFacts(vector, outcome.Scanner);
    }

    private static (VectorInfo Vector, byte[] Bytes) Load(string name)
    {
        var vector = Vectors.Get(name);
        var bytes = Vectors.Load(vector);
        Assert.Equal(vector.Bytes, bytes.Length);
        return (vector, bytes);
    }

    /// <summary>The manifest's statuses in order, Complete last and exactly at <paramref name="end"/>.</summary>
    private static void AssertEndsAt(VectorInfo vector, ScanOutcome outcome, long end)
    {
        Assert.Equal(vector.ScanStatuses, outcome.Statuses);
        Assert.Equal(end, outcome.Events[^1].Offset);
        Assert.Equal(end, outcome.StoppedAt);
        Assert.True(outcome.Scanner.IsComplete);
        Assert.Equal(vector.Packets, outcome.Scanner.PacketCount);
    }

    /// <summary>Offsets at which each status is due: after the LOCAL INFILE request packet, then at the end.</summary>
    private static IEnumerable<long> ExpectedEventOffsets(VectorInfo vector, byte[] bytes)
    {
        var physical = Packets.Physical(bytes);
        if (vector.ScanStatuses[0] == ScanStatus.LocalInfileRequested)
            yield return physical[0].Length;
        yield return bytes.Length;
    }

    private static void AssertManifestFacts(VectorInfo vector, ResponseScanner scanner)
    {
        Assert.Equal(vector.IsError, scanner.IsError);
        Assert.Equal(vector.ErrorCode, scanner.ErrorCode);
        if (vector.Status is { } status)
            Assert.Equal((ServerStatusFlags)status, scanner.Status);
        else if (vector.ResponseShape != ResponseShape.Prepare)
            Assert.Equal(ServerStatusFlags.None, scanner.Status); // nothing status-bearing in the response
        if (vector.PreparedStatementId is { } id)
        {
            Assert.Equal(id, scanner.PreparedStatementId);
            Assert.Equal(vector.PreparedParameters, scanner.PreparedParameterCount);
            Assert.Equal(vector.PreparedColumns, scanner.PreparedColumnCount);
        }
        Assert.Equal(vector.Packets, scanner.PacketCount);
    }

    private static IEnumerable<long> Boundaries(byte[] stream)
    {
        long offset = 0;
        while (offset < stream.Length)
        {
            yield return offset;
            offset += 4 + (stream[offset] | (stream[offset + 1] << 8) | (stream[offset + 2] << 16));
        }
        yield return stream.Length;
    }
}
