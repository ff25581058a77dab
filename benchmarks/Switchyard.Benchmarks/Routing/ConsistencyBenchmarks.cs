using System.Text;
using BenchmarkDotNet.Attributes;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Consistency;

namespace Switchyard.Benchmarks.Routing;

/// <summary>The per-statement costs of read consistency: finding tags in a statement (every COM_QUERY when
/// consistency is on) and the write tracker's record and look-up (every write, every read-your-writes read).</summary>
[MemoryDiagnoser]
public class ConsistencyBenchmarks
{
    private const int TrackedKeys = 100_000;

    // About 200 bytes, no comment: the fast path must allocate nothing.
    private static readonly byte[] Plain = Encoding.UTF8.GetBytes(
        "SELECT o.id, o.created_at, o.status, c.name FROM orders o JOIN customers c ON c.id = o.customer_id " +
        "WHERE o.customer_id = 4711 AND o.status IN ('paid', 'shipped') ORDER BY o.created_at DESC LIMIT 20");

    private static readonly byte[] SqlCommenter = Encoding.UTF8.GetBytes(
        "SELECT o.id, o.created_at, o.status FROM orders o WHERE o.customer_id = 4711 AND o.status = 'paid' " +
        "/*consistency='read-your-writes',user_id='4711',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/");

    private static readonly byte[] ShortHint = Encoding.UTF8.GetBytes(
        "/*sy:strong*/ SELECT o.id, o.created_at, o.status FROM orders o WHERE o.customer_id = 4711 AND o.status = 'paid'");

    private readonly GtidSet _gtid = GtidSet.Parse("0-1-1000");
    private string[] _keys = [];
    private WriteTracker _tracker = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, TrackedKeys).Select(i => $"user-{i}").ToArray();
        _tracker = new WriteTracker(TrackedKeys * 2, TimeSpan.FromHours(1), TimeProvider.System);
        foreach (var key in _keys)
        {
            _tracker.RecordWrite(key, _gtid);
        }
    }

    [Benchmark]
    public bool ParsePlain() => StatementTagParser.Parse(Plain, ClassificationOptions.None).IsEmpty;

    [Benchmark]
    public bool ParseShortHint() => StatementTagParser.Parse(ShortHint, ClassificationOptions.None).IsEmpty;

    [Benchmark]
    public bool ParseSqlCommenter() => StatementTagParser.Parse(SqlCommenter, ClassificationOptions.None).IsEmpty;

    [Benchmark]
    public void RecordWrite() => _tracker.RecordWrite(NextKey(), _gtid);

    [Benchmark]
    public long TryGetLastWrite() => _tracker.TryGetLastWrite(NextKey(), out var mark) ? mark.Timestamp : 0;

    private string NextKey()
    {
        int index = _next;
        _next = index + 1 == _keys.Length ? 0 : index + 1;
        return _keys[index];
    }
}
