using System.Buffers;
using BenchmarkDotNet.Attributes;
using Switchyard.Benchmarks.Support;
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

    /// <summary>Vector files of tests/Switchyard.Protocol.Tests/Vectors (without .hex).</summary>
    [Params(
        "query_select_rows.deprecate_eof",
        "query_select_rows.eof",
        "stmt_execute_rows.deprecate_eof",
        "query_multi.deprecate_eof",
        "query_insert_ok.deprecate_eof")]
    public string Vector { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var bytes = VectorFiles.Load(Vector + ".hex");
        _deprecateEof = Vector.Contains(".deprecate_eof", StringComparison.Ordinal);
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

    private long Scan(in ReadOnlySequence<byte> buffer)
    {
        var scanner = new ResponseScanner();
        scanner.Start(ResponseShape.ResultSets, _deprecateEof);
        return scanner.Scan(buffer, out var consumed) == ScanStatus.Complete ? buffer.Slice(0, consumed).Length : -1;
    }
}
