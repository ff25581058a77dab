using System.Text;
using BenchmarkDotNet.Attributes;
using Switchyard.Routing.Classification;

namespace Switchyard.Benchmarks.Routing;

/// <summary><see cref="StatementClassifier.Classify"/> on typical statements: it runs for every COM_QUERY on the
/// hot path and must allocate nothing.</summary>
[MemoryDiagnoser]
public class StatementClassifierBenchmarks
{
    private static readonly Dictionary<string, string> Statements = new()
    {
        ["PointSelect"] = "SELECT c FROM sbtest1 WHERE id=5017",
        ["Insert"] = "INSERT INTO sbtest1 (id, k, c, pad) VALUES (5017, 4991, '83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330', '67847967377-48000963322-62604785301-91415491898-96926520291')",
        ["Set"] = "SET autocommit=1",
        ["LongCommented"] = """
            /* app=orders, route=report */ SELECT o.id, o.created_at, c.name, -- customer
              SUM(l.qty * l.price) AS total, COUNT(*) AS lines /* all lines */
            FROM orders o
              JOIN customers c ON c.id = o.customer_id
              LEFT JOIN order_lines l ON l.order_id = o.id
            WHERE o.created_at >= '2024-01-01' AND o.status IN ('paid', 'shipped') # only closed ones
              AND c.region = 'EU' AND o.note NOT LIKE '%test%'
            GROUP BY o.id, o.created_at, c.name
            HAVING total > 100
            ORDER BY total DESC
            LIMIT 50
            """,
    };

    private byte[] _sql = [];

    [ParamsSource(nameof(Names))]
    public string Statement { get; set; } = "";

    public static IEnumerable<string> Names => Statements.Keys;

    [GlobalSetup]
    public void Setup() => _sql = Encoding.UTF8.GetBytes(Statements[Statement]);

    [Benchmark]
    public int Classify()
    {
        var result = StatementClassifier.Classify(_sql);
        return (int)result.Class ^ (int)result.Flags;
    }
}
