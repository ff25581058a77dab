using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Rules;

namespace Switchyard.Benchmarks.Routing;

/// <summary><see cref="RuleSet.Match"/> per statement: an empty set must cost next to nothing, rules pay only for the
/// conditions they name, and nothing may allocate (the digest and the decoded text are computed on demand).</summary>
[MemoryDiagnoser]
public class RuleSetBenchmarks
{
    private static readonly byte[] Sql = Encoding.UTF8.GetBytes("SELECT c FROM sbtest1 WHERE id=5017");
    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");
    private static readonly RuleAction ToPrimary = new() { Route = RuleRoute.Primary };

    private readonly RuleSet _empty = RuleSet.Empty;
    private readonly RuleSet _tenCheapMisses = new(Enumerable.Range(0, 10).Select(i =>
        new RoutingRule($"user{i}", new RuleConditions { Users = [$"other{i}"], ClassMask = RuleConditions.MaskOf(StatementClass.Read) }, ToPrimary)));
    private readonly RuleSet _digestHit = new([new RoutingRule("digest", new RuleConditions { Digest = Digest("SELECT c FROM sbtest1 WHERE id = ?") }, ToPrimary)]);
    private readonly RuleSet _regexMiss = new([new RoutingRule("regex",
        new RuleConditions { Pattern = new Regex(@"\bFROM\s+report_", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled) }, ToPrimary)]);

    [Benchmark(Baseline = true)]
    public int Empty() => Run(_empty);

    [Benchmark]
    public int TenCheapRulesNoneMatching() => Run(_tenCheapMisses);

    [Benchmark]
    public int DigestRuleMatching() => Run(_digestHit);

    [Benchmark]
    public int RegexRuleNotMatching() => Run(_regexMiss);

    private static int Run(RuleSet rules) =>
        rules.Match(new RuleInput(StatementClass.Read, Sql, "app", "shop", Client))?.Name.Length ?? 0;

    private static RuleDigest Digest(string text) =>
        RuleDigest.TryCreate(text, out var digest) ? digest : throw new InvalidOperationException(text);
}
