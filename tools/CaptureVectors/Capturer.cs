using System.IO.Compression;
using System.Text;
using Switchyard.Protocol;

namespace Switchyard.Tools.CaptureVectors;

/// <summary>One manifest entry: what a vector is and what the oracle says the scanner must report.</summary>
internal sealed record VectorEntry
{
    public required string Name { get; init; }
    public required string File { get; init; }
    public required string Command { get; init; }
    public required string Shape { get; init; }
    public required bool DeprecateEof { get; init; }
    public required bool SessionTrack { get; init; }
    /// <summary>Logical packets (a packet split at 16 MiB counts once) and physical packets.</summary>
    public required int Packets { get; init; }
    public required int PhysicalPackets { get; init; }
    public required long Bytes { get; init; }
    public required List<string> Scan { get; init; }
    /// <summary>Status flags of the last OK/EOF of the response; null when there is none to check.</summary>
    public ushort? Status { get; init; }
    public string? StatusNames { get; init; }
    public required bool IsError { get; init; }
    public required ushort ErrorCode { get; init; }
    public uint? PreparedStatementId { get; init; }
    public ushort? PreparedParameters { get; init; }
    public ushort? PreparedColumns { get; init; }
    public ulong? AffectedRows { get; init; }
    public ulong? LastInsertId { get; init; }
    public int ResultSets { get; init; }
    public int Rows { get; init; }
    /// <summary>Hex of the COM_PING OK that followed this response on the same connection (a real "next response").</summary>
    public required string Next { get; init; }
    public Dictionary<string, string>? Facts { get; init; }
}

/// <summary>Sends one command plus a pipelined COM_PING, cuts the stream where the sequence ids restart at the
/// PING's OK, checks the oracle agrees, and writes the vector file.</summary>
internal sealed class Capturer(string outputDirectory, bool write)
{
    public List<VectorEntry> Entries { get; } = [];

    public static string Suffix(WireConnection c) =>
        (c.DeprecateEof ? "deprecate_eof" : "eof") + (c.SessionTrack ? ".session_track" : "");

    /// <summary>Captures the response to <paramref name="command"/>; returns the oracle's reading.</summary>
    public OracleResult Capture(WireConnection c, string name, string description, byte[] command, Kind kind,
        Dictionary<string, string>? facts = null, bool compress = false, Action<List<byte[]>>? verify = null)
    {
        c.WritePackets((command, 0), ([0x0E], 0));
        var (packets, ping) = ReadUntilSentinel(c, 1);
        verify?.Invoke(Join(packets));
        return Record(c, name, description, kind, packets, ping, facts, compress);
    }

    /// <summary>LOAD DATA LOCAL INFILE: read the 0xFB request, send an empty file (one empty packet), then the
    /// COM_PING sentinel. The vector holds the server's bytes only: the request, then the final OK/ERR.</summary>
    public OracleResult CaptureLocalInfile(WireConnection c, string name, string sql)
    {
        c.WritePackets((Query(sql), 0));
        var request = c.ReadPacket();
        if (request.SequenceId != 1 || request.Payload[0] != 0xFB)
            throw new InvalidOperationException($"expected a LOCAL INFILE request, got {Convert.ToHexString(request.Raw)}");
        c.WritePackets(([], 2), ([0x0E], 0));
        var (rest, ping) = ReadUntilSentinel(c, 3);
        return Record(c, name, "COM_QUERY " + sql + " (client sends an empty file)", Kind.ResultSets, [request, .. rest], ping, null, false);
    }

    public static (List<RawPacket> Packets, RawPacket Ping) ReadUntilSentinel(WireConnection c, byte firstSequenceId)
    {
        var packets = new List<RawPacket>();
        var expected = firstSequenceId;
        while (true)
        {
            var p = c.ReadPacket();
            if (p.SequenceId != expected)
            {
                // Sequence ids restarted: this is the COM_PING's answer. It must be a plain OK with id 1.
                if (p.SequenceId != 1 || p.Length == 0 || p.Payload[0] != 0x00)
                    throw new InvalidOperationException($"sentinel is not the PING's OK: {Convert.ToHexString(p.Raw)}");
                if (packets.Count > 250)
                    throw new InvalidOperationException("too many packets for the sequence-id sentinel");
                return (packets, p);
            }
            packets.Add(p);
            expected++;
        }
    }

    private OracleResult Record(WireConnection c, string name, string description, Kind kind, List<RawPacket> packets,
        RawPacket ping, Dictionary<string, string>? facts, bool compress)
    {
        var logical = Join(packets);
        var oracle = ResponseOracle.Walk(logical, kind, c.DeprecateEof);
        if (oracle.PacketsUsed != logical.Count)
            throw new InvalidOperationException($"{name}: oracle ended after {oracle.PacketsUsed} packets, the sentinel after {logical.Count}");

        var suffix = Suffix(c);
        var file = $"{name}.{suffix}.hex" + (compress ? ".gz" : "");
        var bytes = packets.Sum(p => (long)p.Raw.Length);
        if (write)
            WriteHex(Path.Combine(outputDirectory, file), packets.Select(p => p.Raw), compress);
        Entries.Add(new VectorEntry
        {
            Name = $"{name}.{suffix}",
            File = file,
            Command = description,
            Shape = kind.ToString(),
            DeprecateEof = c.DeprecateEof,
            SessionTrack = c.SessionTrack,
            Packets = logical.Count,
            PhysicalPackets = packets.Count,
            Bytes = bytes,
            Scan = oracle.Scan,
            Status = kind == Kind.Prepare ? null : oracle.Status,
            StatusNames = kind == Kind.Prepare || oracle.Status is null ? null : ((ServerStatusFlags)oracle.Status.Value).ToString(),
            IsError = oracle.IsError,
            ErrorCode = oracle.ErrorCode,
            PreparedStatementId = oracle.PreparedStatementId,
            PreparedParameters = oracle.PreparedParameters,
            PreparedColumns = oracle.PreparedColumns,
            AffectedRows = oracle.AffectedRows,
            LastInsertId = oracle.LastInsertId,
            ResultSets = oracle.ResultSets,
            Rows = oracle.Rows,
            Next = Convert.ToHexString(ping.Raw).ToLowerInvariant(),
            Facts = facts,
        });
        Console.WriteLine($"  {name}.{suffix,-14} {packets.Count,4} packets {bytes,9} bytes  {string.Join(",", oracle.Scan)} status={oracle.Status} err={oracle.ErrorCode}");
        return oracle;
    }

    /// <summary>Joins physical packets into logical ones (a 0xFFFFFF-long packet continues in the next).</summary>
    public static List<byte[]> Join(IEnumerable<RawPacket> packets)
    {
        var result = new List<byte[]>();
        List<byte>? current = null;
        foreach (var p in packets)
        {
            current ??= [];
            current.AddRange(p.Payload.ToArray());
            if (p.Length == 0xFFFFFF)
                continue;
            result.Add([.. current]);
            current = null;
        }
        if (current is not null)
            throw new InvalidOperationException("response ends inside a split packet");
        return result;
    }

    public static void WriteHex(string path, IEnumerable<byte[]> packets, bool compress)
    {
        using var file = File.Create(path);
        using Stream stream = compress ? new GZipStream(file, CompressionLevel.SmallestSize) : file;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var p in packets)
            writer.WriteLine(Convert.ToHexString(p).ToLowerInvariant());
    }

    public static byte[] Query(string sql) => [0x03, .. Encoding.UTF8.GetBytes(sql)];
}
