using System.Buffers;
using BenchmarkDotNet.Attributes;
using Switchyard.Benchmarks.Support;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Responses;

namespace Switchyard.Benchmarks.Protocol;

/// <summary>
/// <see cref="ResponseScanner"/> over real server responses (the protocol tests' captured vectors): the proxy runs
/// it over every byte a backend sends. "Whole" has the response in one buffer segment; "Split16" in 16-byte
/// segments, as when it arrives in many small reads. Neither may allocate.
/// </summary>
[MemoryDiagnoser]
public class ResponseScannerBenchmarks
{
    private ReadOnlySequence<byte> _whole;
    private ReadOnlySequence<byte> _split;
    private bool _deprecateEof;

    /// <summary>Short case names (BenchmarkDotNet cuts long parameter values) for files of
    /// tests/Switchyard.Protocol.Tests/Vectors.</summary>
    private static readonly Dictionary<string, string> Files = new()
    {
        ["SelectRows"] = "query_select_rows.deprecate_eof.hex",       // 3 rows, 2 columns, DEPRECATE_EOF
        ["SelectRowsEof"] = "query_select_rows.eof.hex",              // the same with classic EOF packets
        ["ExecuteRows"] = "stmt_execute_rows.deprecate_eof.hex",      // binary result set of COM_STMT_EXECUTE
        ["WideRow"] = "query_select_wide_row.deprecate_eof.hex",      // one 300-byte value
        ["Multi"] = "query_multi.deprecate_eof.hex",                  // two result sets and an OK
        ["InsertOk"] = "query_insert_ok.deprecate_eof.hex",           // a single OK packet
        [Rows100] = "query_select_rows.deprecate_eof.hex",             // its rows repeated: see RepeatRows
    };

    /// <summary>A range select of sysbench's read workloads answers 100 rows: the first row of SelectRows 100 times.</summary>
    private const string Rows100 = "Rows100";

    [ParamsSource(nameof(Names))]
    public string Vector { get; set; } = "";

    public static IEnumerable<string> Names => Files.Keys;

    [GlobalSetup]
    public void Setup()
    {
        var file = Files[Vector];
        var bytes = VectorFiles.Load(file);
        if (Vector == Rows100)
            bytes = RepeatRows(bytes, 100);
        _deprecateEof = file.Contains(".deprecate_eof", StringComparison.Ordinal);
        _whole = new ReadOnlySequence<byte>(bytes);
        _split = Segments.Split(bytes, 16);
        // A benchmark of a scanner that does not find the end would measure nothing useful.
        if (Scan(_whole) != bytes.Length || Scan(_split) != bytes.Length)
            throw new InvalidOperationException($"{Vector}: the scanner did not find the end of the response at its last byte");
    }

    [Benchmark]
    public long Whole() => Scan(_whole);

    [Benchmark]
    public long Split16() => Scan(_split);

    /// <summary>A result set of DEPRECATE_EOF shape (column count, two column definitions, rows, OK) with its first row
    /// sent <paramref name="rows"/> times, sequence ids renumbered.</summary>
    private static byte[] RepeatRows(byte[] response, int rows)
    {
        var payloads = new List<byte[]>();
        for (var offset = 0; offset < response.Length;)
        {
            var header = PacketHeader.Read(response.AsSpan(offset));
            payloads.Add(response[(offset + PacketHeader.Size)..(offset + PacketHeader.Size + header.PayloadLength)]);
            offset += PacketHeader.Size + header.PayloadLength;
        }
        var shaped = payloads.Take(3).Concat(Enumerable.Repeat(payloads[3], rows)).Append(payloads[^1]).ToList();
        var output = new byte[shaped.Sum(payload => PacketHeader.Size + payload.Length)];
        var at = 0;
        for (var i = 0; i < shaped.Count; i++)
        {
            new PacketHeader(shaped[i].Length, (byte)(i + 1)).Write(output.AsSpan(at));
            shaped[i].CopyTo(output, at + PacketHeader.Size);
            at += PacketHeader.Size + shaped[i].Length;
        }
        return output;
    }

    private long Scan(in ReadOnlySequence<byte> buffer)
    {
        var scanner = new ResponseScanner();
        scanner.Start(ResponseShape.ResultSets, _deprecateEof);
        return scanner.Scan(buffer, out var consumed) == ScanStatus.Complete ? buffer.Slice(0, consumed).Length : -1;
    }
}
