using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class ConfigSummaryTests
{
    private const string Yaml = """
        backend_credentials:
          user: switchyard
          password: backend-secret
        users:
          - name: app
            password: user-secret
          - name: report
            password_hash: "*5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0"
        backends:
          - name: primary
            address: 127.0.0.1:3306
            role: primary
            region: eu-1a
          - name: replica1
            address: 127.0.0.1:3307
            groups: [analytics]
        rules:
          - name: reports
            match: { user: report, class: read }
            route: analytics
          - name: no-drop
            match: { regex: '^DROP' }
            block: no DROP here
        """;

    [Fact]
    public void Describe_ValidFile_ListsBackendsUsersAndEveryRule()
    {
        var summary = ConfigSummary.Describe(ConfigLoader.LoadYaml(Yaml, "test.yaml"), "test.yaml");

        Assert.StartsWith("test.yaml: OK", summary);
        Assert.Contains("MySQL listener   127.0.0.1:6033", summary);
        Assert.Contains("primary          127.0.0.1:3306         primary  weight 1, region eu-1a", summary);
        Assert.Contains("replica1         127.0.0.1:3307         replica  weight 1, groups analytics", summary);
        Assert.Contains("users            2: app, report", summary);
        Assert.Contains("rules            2", summary);
        Assert.Contains(" 1. reports: class=read user=report -> route analytics", summary);
        Assert.Contains(" 2. no-drop: regex=/^DROP/i -> block \"no DROP here\"", summary);
    }

    [Fact]
    public void Describe_NeverShowsSecrets()
    {
        var summary = ConfigSummary.Describe(ConfigLoader.LoadYaml(Yaml, "test.yaml"), "test.yaml");

        Assert.DoesNotContain("secret", summary);
        Assert.DoesNotContain("5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0", summary);
    }

    [Fact]
    public void Describe_NoRules_SaysNone()
    {
        var yaml = Yaml[..Yaml.IndexOf("rules:", StringComparison.Ordinal)];

        Assert.Contains("rules            none", ConfigSummary.Describe(ConfigLoader.LoadYaml(yaml, "t"), "t"));
    }
}
