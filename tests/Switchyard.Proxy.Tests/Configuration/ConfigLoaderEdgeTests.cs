using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Tests.Configuration;

/// <summary>Values at the edges of what the loader parses: overflowing numbers and empty sections are errors, never
/// exceptions or silently wrapped values.</summary>
public sealed class ConfigLoaderEdgeTests
{
    private const string Minimal = """
        backend_credentials:
          user: switchyard
          password: secret
        users:
          - name: app
        backends:
          - name: primary
            address: 127.0.0.1:3306
            role: primary

        """;

    [Fact]
    public void LoadYaml_DuplicateKey_ReportsSyntaxErrorAtTheSecond()
    {
        var yaml = Minimal + "pool:\n  min_idle: 1\npool:\n  min_idle: 2\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var error = Assert.Single(e.Errors);
        Assert.Contains("Duplicate key pool", error.Message);
        Assert.Equal(yaml.Split('\n').ToList().LastIndexOf("pool:") + 1, error.Line);
    }

    [Fact]
    public void LoadYaml_NullValue_IsTreatedAsAbsent()
    {
        var yaml = Minimal + "routing:\n  read_balancing: ~\nprepared_statements:\n";

        var config = ConfigLoader.LoadYaml(yaml, "test");

        Assert.Equal("round-robin", config.Routing.ReadBalancing);
        Assert.Equal(64, config.PreparedStatements.MaxPerConnection);
    }

    [Fact]
    public void LoadYaml_BackendsNull_ReportsRequired()
    {
        var yaml = Minimal[..Minimal.IndexOf("backends:", StringComparison.Ordinal)] + "backends:\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Equal("'backends' is required", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_BackendsEmptyList_ReportsMissingPrimary()
    {
        var yaml = Minimal[..Minimal.IndexOf("backends:", StringComparison.Ordinal)] + "backends: []\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains(e.Errors, x => x.Message.Contains("primary", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadYaml_SizeBeyondInt64_ReportsConfigError()
    {
        var yaml = Minimal + "limits:\n  max_packet_size: 99999999999999999999\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'limits.max_packet_size'", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_SizeOverflowingWithSuffix_ReportsConfigError()
    {
        var yaml = Minimal + "limits:\n  max_packet_size: 17179869185G\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'limits.max_packet_size'", Assert.Single(e.Errors).Message);
    }

    [Theory]
    [InlineData("99999999999h")]
    [InlineData("99999999999999999999s")]
    public void LoadYaml_DurationBeyondTimeSpan_ReportsConfigError(string text)
    {
        var yaml = Minimal + $"limits:\n  client_read_timeout: {text}\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'limits.client_read_timeout'", Assert.Single(e.Errors).Message);
    }
}
