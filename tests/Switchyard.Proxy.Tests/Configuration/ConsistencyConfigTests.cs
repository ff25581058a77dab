using Switchyard.Proxy.Configuration;

namespace Switchyard.Proxy.Tests.Configuration;

public sealed class ConsistencyConfigTests
{
    private static string File(string consistency, string userExtra = "") => $"""
        backend_credentials:
          user: switchyard
          password: secret
        users:
          - name: app
            password: app
        {userExtra}
        backends:
          - name: primary
            address: 127.0.0.1:3306
            role: primary
        {consistency}
        """;

    [Fact]
    public void LoadYaml_NoConsistencySection_ReadYourWritesPerConnectionInGtidMode()
    {
        var config = ConfigLoader.LoadYaml(File(""), "test");

        var c = config.Consistency;
        Assert.Equal("read-your-writes", c.Default);
        Assert.Equal(ReadYourWritesModeSetting.Gtid, c.ReadYourWrites.Mode);
        Assert.Equal(ReadYourWritesScope.Connection, c.ReadYourWrites.Scope);
        Assert.Equal([UserKeySource.Tag, UserKeySource.Session, UserKeySource.DbUser], c.ReadYourWrites.UserKey);
        Assert.Equal(TimeSpan.FromSeconds(5), c.ReadYourWrites.TimeWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(250), c.ReadYourWrites.GtidWaitTimeout);
        Assert.Equal(1_000_000, c.ReadYourWrites.MaxTrackedUsers);
        Assert.Equal(TimeSpan.FromSeconds(60), c.ReadYourWrites.UserExpiry);
        Assert.Null(config.Users[0].Consistency);
    }

    [Fact]
    public void LoadYaml_FullConsistencySection_ReadsEveryKey()
    {
        var yaml = File("""
            consistency:
              default: max_lag=1.5
              read_your_writes:
                mode: time
                scope: user
                user_key: [session, db_user]
                time_window: 2s
                gtid_wait_timeout: 100ms
                max_tracked_users: 5000
                user_expiry: 30s
            """, "    consistency: eventual");

        var config = ConfigLoader.LoadYaml(yaml, "test");

        var c = config.Consistency;
        Assert.Equal("max_lag=1.5", c.Default);
        Assert.Equal(ReadYourWritesModeSetting.Time, c.ReadYourWrites.Mode);
        Assert.Equal(ReadYourWritesScope.User, c.ReadYourWrites.Scope);
        Assert.Equal([UserKeySource.Session, UserKeySource.DbUser], c.ReadYourWrites.UserKey);
        Assert.Equal(TimeSpan.FromSeconds(2), c.ReadYourWrites.TimeWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(100), c.ReadYourWrites.GtidWaitTimeout);
        Assert.Equal(5000, c.ReadYourWrites.MaxTrackedUsers);
        Assert.Equal(TimeSpan.FromSeconds(30), c.ReadYourWrites.UserExpiry);
        Assert.Equal("eventual", config.Users[0].Consistency);
    }

    [Fact]
    public void LoadYaml_SingleUserKey_IsAOneElementList()
    {
        var config = ConfigLoader.LoadYaml(File("""
            consistency:
              read_your_writes:
                user_key: tag
            """), "test");

        Assert.Equal([UserKeySource.Tag], config.Consistency.ReadYourWrites.UserKey);
    }

    [Fact]
    public void LoadYaml_BadValues_AreAllReportedWithTheirPlace()
    {
        var yaml = File("""
            consistency:
              default: sometimes
              read_your_writes:
                mode: psychic
                scope: planet
                user_key: [tag, cookie, tag]
                time_window: soon
                max_tracked_users: 0
                colour: blue
            """, "    consistency: max_lag=-1");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadYaml(yaml, "test"));

        var messages = string.Join("\n", e.Errors.Select(x => x.Message));
        Assert.Contains("'consistency.default' must be strong, eventual, read-your-writes or max_lag=N (seconds), not 'sometimes'", messages);
        Assert.Contains("'users[0].consistency' must be strong", messages);
        Assert.Contains("'consistency.read_your_writes.mode' must be gtid or time, not 'psychic'", messages);
        Assert.Contains("'consistency.read_your_writes.scope' must be connection or user, not 'planet'", messages);
        Assert.Contains("entries must be tag, session or db_user, not 'cookie'", messages);
        Assert.Contains("names 'tag' twice", messages);
        Assert.Contains("consistency.read_your_writes.time_window", messages);
        Assert.Contains("consistency.read_your_writes.max_tracked_users", messages);
        Assert.Contains("colour", messages);
        Assert.All(e.Errors, x => Assert.True(x.Line > 0, x.Message));
    }
}
