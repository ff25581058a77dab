using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class RegionsConfigTests
{
    private const string ThreeRegions = """
        backend_credentials: { user: switchyard, password: secret }
        users: [{ name: app, password: app }]
        topology: { kind: multi-primary }
        backends:
          - { name: a1, address: 127.0.0.1:3306, role: primary, region: a }
          - { name: a2, address: 127.0.0.1:3307, role: replica, region: a }
          - { name: b1, address: 127.0.0.1:3316, role: primary, region: b }
          - { name: c1, address: 127.0.0.1:3326, role: primary, region: c }

        """;

    [Fact]
    public void LoadYaml_RegionsSection_ReadsLocalHomesAndDefaults()
    {
        var config = ConfigLoader.LoadYaml(ThreeRegions + "regions:\n  local: a\n  homes: { '42': c, alice: b }\n", "test");

        var regions = Assert.IsType<RegionsConfig>(config.Regions);
        Assert.Equal("a", regions.Local);
        Assert.Equal("c", regions.Homes["42"]);
        Assert.Equal("b", regions.Homes["alice"]);
        Assert.Equal(RegionFailback.CaughtUp, regions.Failback);
        Assert.Equal(TimeSpan.FromMilliseconds(2), regions.TieTolerance);
    }

    [Fact]
    public void LoadYaml_NoRegionsSection_LeavesRegionsOff()
    {
        Assert.Null(ConfigLoader.LoadYaml(ThreeRegions, "test").Regions);
    }

    [Theory]
    [InlineData("regions: { local: z }", "regions.local 'z' is not the region of any backend (regions: a, b, c)")]
    [InlineData("regions: { local: a, homes: { bob: z } }", "regions.homes sends 'bob' to 'z', which is not the region of any backend")]
    [InlineData("regions: { local: a, failback: later }", "'regions.failback' must be caught-up or immediate, not 'later'")]
    [InlineData("regions: { homes: { bob: a } }", "'regions.local' is required")]
    public void LoadYaml_BadRegions_ReportsTheProblem(string section, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(ThreeRegions + section + "\n", "test"));

        Assert.Contains(expected, e.Errors.Select(x => x.Message));
    }

    [Fact]
    public void LoadYaml_RegionsWithABackendWithoutRegionOrTwoPrimariesInOne_ReportsEach()
    {
        var yaml = ThreeRegions.Replace("role: replica, region: a", "role: replica")
            .Replace("name: c1, address: 127.0.0.1:3326, role: primary, region: c", "name: c1, address: 127.0.0.1:3326, role: primary, region: b");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml + "regions: { local: a }\n", "test"));

        Assert.Contains("backend 'a2' has no region; with regions: every backend needs one", e.Errors.Select(x => x.Message));
        Assert.Contains("region 'b' must have exactly one backend with role primary, found 2", e.Errors.Select(x => x.Message));
    }

    [Fact]
    public void LoadYaml_RegionsWithoutMultiPrimary_IsRejected()
    {
        var yaml = ThreeRegions.Replace("topology: { kind: multi-primary }", "topology: { kind: galera }");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml + "regions: { local: a }\n", "test"));

        Assert.Contains("regions need topology.kind: multi-primary (each region's primary is a writer)", e.Errors.Select(x => x.Message));
    }
}
