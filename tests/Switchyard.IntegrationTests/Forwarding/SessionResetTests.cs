using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

/// <summary>COM_CHANGE_USER and COM_RESET_CONNECTION leave no session state behind.</summary>
[Collection(ProxyCollection.Name)]
public sealed class SessionResetTests(ProxyFixture proxy)
{
    private const string SetState = "SET @u := 'left over', SESSION wait_timeout = 1234, SESSION sql_mode = 'ANSI_QUOTES'";
    private const string ReadState = "SELECT @u, @@session.wait_timeout = @@global.wait_timeout, @@session.sql_mode = @@global.sql_mode";

    [Fact]
    public async Task PooledMySqlConnectorConnectionIsResetBetweenUses()
    {
        await using var db = await TestDatabase.CreateAsync();
        var connectionString = proxy.Proxy(db.Name, extra: $"Pooling=true;ConnectionReset=true;AllowUserVariables=true;Application Name={db.Name}");
        int thread;
        await using (var first = new MySqlConnection(connectionString))
        {
            await first.OpenAsync();
            thread = first.ServerThread;
            await Sql.ExecuteAsync(first, SetState);
            Assert.Equal("left over", await Sql.ScalarAsync(first, "SELECT @u"));
        }

        List<string> state;
        await using (var second = new MySqlConnection(connectionString))
        {
            await second.OpenAsync();
            Assert.Equal(thread, second.ServerThread); // the same proxy session, taken from the pool and reset
            state = (await Sql.RowsAsync(second, ReadState))[0];
            Assert.Equal(db.Name, await Sql.ScalarAsync(second, "SELECT DATABASE()"));
        }
        MySqlConnection.ClearPool(new MySqlConnection(connectionString));

        Assert.Equal(["NULL", "1", "1"], state);
    }

    [Fact]
    public async Task ResetConnectionClearsUserAndSessionVariablesAsOnTheServer()
    {
        await using var db = await TestDatabase.CreateAsync();

        async Task<string?[]> RunAsync(int port)
        {
            await using var client = await RawMySqlClient.LoginAsync(port, "app", "app", db.Name);
            await client.QueryAsync(SetState);
            Assert.Equal(0x00, (await client.ReadTextResultAsync()).End[0]);
            await client.CommandAsync(RawMySqlClient.ComResetConnection, []);
            var (_, ok) = await client.ReadPacketAsync();
            Assert.True(ok[0] == 0x00, RawMySqlClient.Describe(ok));
            await client.QueryAsync(ReadState + ", DATABASE()");
            return (await client.ReadTextResultAsync()).Rows.Single();
        }

        var proxied = await RunAsync(proxy.Port);
        var direct = await RunAsync(Cluster.PrimaryPort);

        Assert.Equal(new string?[] { null, "1", "1" }, proxied[..3].AsEnumerable());
        Assert.Equal(direct, proxied);
    }

    [Fact]
    public async Task ChangeUserSwitchesIdentityAndDatabaseAndClearsTheSession()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app");
        await client.QueryAsync(SetState);
        Assert.Equal(0x00, (await client.ReadTextResultAsync()).End[0]);

        var answer = await client.ChangeUserAsync("monitor", "monitor", db.Name);

        Assert.True(answer[0] == 0x00, RawMySqlClient.Describe(answer));
        await client.QueryAsync(ReadState + ", DATABASE()");
        Assert.Equal(new string?[] { null, "1", "1", db.Name }, (await client.ReadTextResultAsync()).Rows.Single().AsEnumerable());
    }

    /// <summary>MariaDB 10.11 keeps the connection after a failed COM_CHANGE_USER: the previous user, in its
    /// database, with user and session variables cleared.</summary>
    [Fact]
    public async Task ChangeUserWithAWrongPasswordIsDeniedAndLeavesTheSessionAsTheServerDoes()
    {
        await using var db = await TestDatabase.CreateAsync();

        async Task<(string Error, string?[] After)> RunAsync(int port)
        {
            await using var client = await RawMySqlClient.LoginAsync(port, "app", "app", db.Name);
            await client.QueryAsync(SetState);
            Assert.Equal(0x00, (await client.ReadTextResultAsync()).End[0]);
            var answer = await client.ChangeUserAsync("monitor", "wrong", null);
            var error = RawMySqlClient.ParseError(answer);
            await client.QueryAsync(ReadState + ", DATABASE()");
            return ($"{error.Code} {error.State} {error.Message}", (await client.ReadTextResultAsync()).Rows.Single());
        }

        var proxied = await RunAsync(proxy.Port);
        var direct = await RunAsync(Cluster.PrimaryPort);

        Assert.Equal("1045 28000 Access denied for user 'monitor'@'127.0.0.1' (using password: YES)", proxied.Error);
        Assert.Equal(new string?[] { null, "1", "1", db.Name }, proxied.After.AsEnumerable());
        Assert.Equal(direct.Error, proxied.Error);
        Assert.Equal(direct.After, proxied.After);
    }
}
