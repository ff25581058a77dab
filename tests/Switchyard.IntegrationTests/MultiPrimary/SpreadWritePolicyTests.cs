using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>write_policy: spread sends each write lease to the next healthy writer.</summary>
public sealed class SpreadWritePolicyTests
{
    [Fact]
    public async Task WithTheSpreadPolicyWritesLandOnBothWriters()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nwrite_policy: spread"));

        var writers = new List<int>();
        for (var i = 0; i < 10; i++)
            writers.Add(await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));

        Assert.Equal([11, 12], writers.Distinct().Order());
        Assert.Equal("spread", (await WriterProbe.TopologyAsync(proxy.Server)).GetProperty("write_policy").GetString());
    }
}
