using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Switchyard.Protocol.Framing;

namespace Switchyard.Benchmarks.Protocol;

/// <summary>Framing of one small command, the first thing the proxy does with every client request: the header,
/// the whole packet, and writing one back. All three must allocate nothing.</summary>
[MemoryDiagnoser]
public class PacketFramingBenchmarks
{
    private byte[] _packet = [];
    private byte[] _payload = [];
    private ReadOnlySequence<byte> _sequence;
    private ReadOnlySequence<byte> _splitSequence;
    private readonly ArrayBufferWriter<byte> _output = new(256);

    [GlobalSetup]
    public void Setup()
    {
        // COM_QUERY (0x03) of a sysbench point select, sequence id 0.
        _payload = [0x03, .. Encoding.UTF8.GetBytes("SELECT c FROM sbtest1 WHERE id=5017")];
        _packet = [(byte)_payload.Length, 0, 0, 0, .. _payload];
        _sequence = new ReadOnlySequence<byte>(_packet);
        // The header split across two reads: the slow path of TryPeek (copy to the stack).
        _splitSequence = Support.Segments.Split(_packet, 2);
    }

    [Benchmark]
    public int HeaderTryPeek() => PacketHeader.TryPeek(_sequence, out var header) ? header.PayloadLength : -1;

    [Benchmark]
    public int HeaderTryPeek_SplitHeader() => PacketHeader.TryPeek(_splitSequence, out var header) ? header.PayloadLength : -1;

    [Benchmark]
    public long TryReadPacket()
    {
        var buffer = _sequence;
        return PacketFramer.TryReadPacket(ref buffer, out var header, out var payload) ? payload.Length + header.SequenceId : -1;
    }

    [Benchmark]
    public int WritePacket()
    {
        _output.ResetWrittenCount();
        return PacketFramer.WritePacket(_output, _payload, 0) + _output.WrittenCount;
    }
}
