using Switchyard.Protocol.Authentication;
using Switchyard.Proxy.Configuration;
using Switchyard.Proxy.Tests.Support;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class DidYouMeanTests
{
    private const string Minimal = MinimalConfig.Yaml;

    [Theory]
    [InlineData("listners", "listeners")] // one deletion
    [InlineData("backend_timeout", "backend_timeouts")]
    [InlineData("Monitor", "monitor")] // case only
    [InlineData("rulez", "rules")]
    public void LoadYaml_KeyWithinTwoEdits_SuggestsIt(string typo, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(Minimal + $"{typo}: {{}}\n", "test"));

        var error = Assert.Single(e.Errors);
        Assert.Equal($"unknown key '{typo}' (did you mean '{expected}'?)", error.Message);
        Assert.Equal((Minimal.Split('\n').Length, 1), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("replication")] // three or more edits from every key
    public void LoadYaml_KeyFarFromEveryKnownKey_HasNoSuggestion(string typo)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(Minimal + $"{typo}: 1\n", "test"));

        Assert.Equal($"unknown key '{typo}'", Assert.Single(e.Errors).Message);
    }

    [Theory]
    [InlineData("regx", "regex")]
    [InlineData("schma", "schema")]
    [InlineData("clients", "client")]
    public void LoadYaml_MisspelledMatchKey_SuggestsIt(string typo, string expected)
    {
        var yaml = Minimal + $"rules:\n  - match: {{ {typo}: x }}\n    route: primary\n";

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains($"unknown key 'rules[0].match.{typo}' (did you mean '{expected}'?)", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void LoadYaml_UserPasswordEnv_IsHashedFromTheVariable()
    {
        var variable = "SWITCHYARD_TEST_USER_PW_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env");
        try
        {
            var yaml = Minimal.Replace("    password: app", $"    password_env: {variable}");

            var user = Assert.Single(ConfigLoader.LoadYaml(yaml, "test").Users);

            Assert.Equal(NativePassword.DoubleSha1("from-env"), user.PasswordDoubleSha1);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void LoadYaml_UserPasswordHashAndEnv_ReportsOnlyOne()
    {
        var yaml = Minimal.Replace("    password: app", "    password_hash: \"*5BCB3E6AC345B435C7C2E6B7949A009CE5F6E3A0\"\n    password_env: HOME");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        Assert.Contains("'users[0]' must have only one of password, password_env, password_hash", Assert.Single(e.Errors).Message);
    }
}
