using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Authentication;

[Collection(ProxyCollection.Name)]
public sealed class AuthenticationTests(ProxyFixture proxy)
{
    [Fact]
    public async Task GoodPasswordLogsInAndRunsAQueryOnThePrimary()
    {
        await using var connection = new MySqlConnection(proxy.Proxy());
        await connection.OpenAsync();

        var port = await Sql.ScalarAsync(connection, "SELECT @@port");
        var directVersion = await Sql.ScalarAsync(Cluster.Direct(), "SELECT VERSION()");

        Assert.Equal(Cluster.PrimaryPort, Convert.ToInt32(port));
        Assert.Equal(directVersion, await Sql.ScalarAsync(connection, "SELECT VERSION()"));
        Assert.Contains(directVersion!.ToString()!, connection.ServerVersion);
    }

    [Fact]
    public async Task WrongPasswordIsRejectedWithMariaDbsAccessDeniedError()
    {
        var direct = await OpenFailureAsync(Cluster.Direct(password: "wrong"));
        var proxied = await OpenFailureAsync(proxy.Proxy(password: "wrong"));

        Assert.Equal("Access denied for user 'app'@'127.0.0.1' (using password: YES)", proxied.Message);
        AssertSameError(direct, proxied);
    }

    [Fact]
    public async Task UnknownUserIsRejectedWithTheSameErrorAsTheServer()
    {
        var direct = await OpenFailureAsync(Cluster.Direct(user: "nobody_here", password: "secret"));
        var proxied = await OpenFailureAsync(proxy.Proxy(user: "nobody_here", password: "secret"));

        Assert.Equal("Access denied for user 'nobody_here'@'127.0.0.1' (using password: YES)", proxied.Message);
        AssertSameError(direct, proxied);
    }

    [Fact]
    public async Task MissingPasswordIsReportedAsUsingPasswordNo()
    {
        var direct = await OpenFailureAsync(Cluster.Direct(password: ""));
        var proxied = await OpenFailureAsync(proxy.Proxy(password: ""));

        Assert.Equal("Access denied for user 'app'@'127.0.0.1' (using password: NO)", proxied.Message);
        AssertSameError(direct, proxied);
    }

    [Fact]
    public async Task ClientStartingWithCachingSha2PasswordIsSwitchedToNativePassword()
    {
        await using var client = await RawMySqlClient.ConnectAsync(proxy.Port);

        var answer = await client.AuthenticateAsync("app", "app", plugin: "caching_sha2_password");

        Assert.Equal("mysql_native_password", client.SwitchedTo);
        Assert.Equal(0x00, answer[0]);
        await client.QueryAsync("SELECT 6 * 7");
        var (rows, _) = await client.ReadTextResultAsync();
        Assert.Equal("42", Assert.Single(rows)[0]);
    }

    [Fact]
    public async Task AuthSwitchAnsweredWithAWrongPasswordIsDenied()
    {
        await using var client = await RawMySqlClient.ConnectAsync(proxy.Port);

        var answer = await client.AuthenticateAsync("app", "not-app", plugin: "caching_sha2_password");

        Assert.Equal("mysql_native_password", client.SwitchedTo);
        var (code, state, message) = RawMySqlClient.ParseError(answer);
        Assert.Equal((1045, "28000"), (code, state));
        Assert.Equal("Access denied for user 'app'@'127.0.0.1' (using password: YES)", message);
    }

    private static async Task<MySqlException> OpenFailureAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        return await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());
    }

    private static void AssertSameError(MySqlException direct, MySqlException proxied)
    {
        Assert.Equal(1045, proxied.Number);
        Assert.Equal((direct.Number, direct.SqlState, direct.Message), (proxied.Number, proxied.SqlState, proxied.Message));
    }
}
