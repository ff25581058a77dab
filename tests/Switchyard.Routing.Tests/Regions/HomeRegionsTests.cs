using Switchyard.Routing.Regions;
using Xunit;

namespace Switchyard.Routing.Tests.Regions;

public sealed class HomeRegionsTests
{
    private static readonly string[] Users = [.. Enumerable.Range(0, 20_000).Select(i => $"user-{i}")];

    [Fact]
    public void Of_TwoInstancesWithTheSameRegions_AgreeForEveryUser()
    {
        var a = new HomeRegions(["eu", "us", "ap"]);
        var b = new HomeRegions(["eu", "us", "ap"]);

        Assert.All(Users, u => Assert.Equal(a.Of(u), b.Of(u)));
    }

    [Fact]
    public void Of_RegionListInAnotherOrder_GivesTheSameHomes()
    {
        var a = new HomeRegions(["eu", "us", "ap"]);
        var b = new HomeRegions(["ap", "eu", "us"]);

        Assert.All(Users, u => Assert.Equal(a.Of(u), b.Of(u)));
    }

    [Fact]
    public void Of_KnownUser_IsPinnedToAFixedRegionAcrossVersions()
    {
        // The hash and its seed are part of the contract: a change would re-home users of running deployments.
        var homes = new HomeRegions(["a", "b", "c"]);

        Assert.Equal(["b", "b", "c", "c", "b"], (string[])[.. new[] { "42", "alice", "bob", "carol", "user-1" }.Select(homes.Of)]);
    }

    [Fact]
    public void Of_SpreadsUsersEvenlyOverRegions()
    {
        var homes = new HomeRegions(["eu", "us", "ap", "sa"]);

        var counts = Users.GroupBy(homes.Of).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, Users.Length / 4 * 0.9, Users.Length / 4 * 1.1));
    }

    [Fact]
    public void Of_AddingARegion_MovesOnlyUsersToTheNewRegionAndAboutTheirFairShare()
    {
        var before = new HomeRegions(["eu", "us", "ap"]);
        var after = new HomeRegions(["eu", "us", "ap", "sa"]);

        var moved = Users.Where(u => before.Of(u) != after.Of(u)).ToList();

        Assert.All(moved, u => Assert.Equal("sa", after.Of(u)));
        Assert.InRange(moved.Count, Users.Length / 4 * 0.9, Users.Length / 4 * 1.1);
    }

    [Fact]
    public void Of_ExplicitMapEntry_WinsOverTheHash()
    {
        var hashed = new HomeRegions(["eu", "us"]).Of("alice");
        var other = hashed == "eu" ? "us" : "eu";
        var homes = new HomeRegions(["eu", "us"], new Dictionary<string, string> { ["alice"] = other });

        Assert.Equal(other, homes.Of("alice"));
    }

    [Fact]
    public void Of_VeryLongUserKey_IsHashedLikeAnyOther()
    {
        var key = new string('x', 10_000);
        var homes = new HomeRegions(["eu", "us"]);

        Assert.Equal(homes.Of(key), new HomeRegions(["us", "eu"]).Of(key));
    }
}
