using System.Text;
using BenchmarkDotNet.Attributes;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Digests;

namespace Switchyard.Benchmarks.Routing;

/// <summary><see cref="QueryDigest.Normalize(ReadOnlySpan{byte}, Span{byte}, out int, bool)"/> next to the
/// classifier on the same statements: digests are computed for every statement, so their cost is measured against
/// the classification the proxy already pays for.</summary>
[MemoryDiagnoser]
public class QueryDigestBenchmarks
{
    private static readonly Dictionary<string, string> Statements = new()
    {
        ["PointSelect"] = "SELECT c FROM sbtest1 WHERE id=5017",
        ["InList"] = "SELECT id, c FROM sbtest1 WHERE id IN (5017, 4991, 17, 23, 99, 1024, 77, 3, 8, 12)",
        ["Insert"] = "INSERT INTO sbtest1 (id, k, c, pad) VALUES (5017, 4991, '83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330', '67847967377-48000963322-62604785301-91415491898-96926520291')",
    };

    private readonly byte[] _digest = new byte[QueryDigest.DefaultMaxLength];
    private byte[] _sql = [];

    [ParamsSource(nameof(Names))]
    public string Statement { get; set; } = "";

    public static IEnumerable<string> Names => Statements.Keys;

    [GlobalSetup]
    public void Setup() => _sql = Encoding.UTF8.GetBytes(Statements[Statement]);

    [Benchmark(Baseline = true)]
    public int Classify() => (int)StatementClassifier.Classify(_sql).Class;

    [Benchmark]
    public ulong Digest() => QueryDigest.Normalize(_sql, _digest, out _);
}
