using Switchyard.Routing.Balancing;

namespace Switchyard.Routing.Tests.Balancing;

public sealed class BalancingPoliciesTests
{
    [Theory]
    [InlineData("round-robin")]
    [InlineData("weighted")]
    [InlineData("least-connections")]
    [InlineData("Round-Robin")]
    public void IsKnown_PolicyName_True(string name)
    {
        Assert.True(BalancingPolicies.IsKnown(name));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("roundrobin")]
    [InlineData("")]
    [InlineData(null)]
    public void IsKnown_OtherName_False(string? name)
    {
        Assert.False(BalancingPolicies.IsKnown(name));
    }

    [Theory]
    [InlineData("round-robin", "round-robin")]
    [InlineData("WEIGHTED", "weighted")]
    [InlineData("least-connections", "least-connections")]
    public void Create_KnownName_PolicyWithCanonicalName(string name, string expected)
    {
        Assert.Equal(expected, BalancingPolicies.Create(name).Name);
    }

    [Fact]
    public void Create_TwoCalls_SeparateInstances()
    {
        Assert.NotSame(BalancingPolicies.Create("weighted"), BalancingPolicies.Create("weighted"));
    }

    [Fact]
    public void Create_UnknownName_Throws()
    {
        Assert.Throws<ArgumentException>(() => BalancingPolicies.Create("random"));
    }
}
