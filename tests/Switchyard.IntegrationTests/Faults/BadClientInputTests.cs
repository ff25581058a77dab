using System.Diagnostics;
using System.Text;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Faults;

/// <summary>A client that misbehaves is answered or dropped; another client on the same proxy never notices.</summary>
[Collection(ProxyCollection.Name)]
public sealed class BadClientInputTests(ProxyFixture proxy)
{
    [Fact]
    public async Task GarbageAfterTheHandshakeDropsOnlyThatClient()
    {
        await using var other = await BackgroundClient.StartAsync(proxy.Proxy());
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app");

        // Read as a header: a 12 MB packet with sequence id 0xEF.
        await client.WriteRawAsync([0xDE, 0xAD, 0xBE, 0xEF, .. Encoding.ASCII.GetBytes("this is not the MySQL protocol at all")]);
        var packets = new List<byte[]>();
        var closed = await client.WaitForCloseAsync(TimeSpan.FromSeconds(5), packets);

        Assert.True(closed, "the proxy kept a client that sent garbage");
        Assert.Equal(1156, RawMySqlClient.ParseError(Assert.Single(packets)).Code); // ER_NET_PACKETS_OUT_OF_ORDER
        await other.WaitForProgressAsync();
    }

    [Fact]
    public async Task TruncatedPacketThenCloseEndsTheSessionCleanly()
    {
        await using var other = await BackgroundClient.StartAsync(proxy.Proxy());
        var baseline = proxy.Server.ActiveSessions;
        var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app");
        await Poll.UntilAsync(() => Task.FromResult(proxy.Server.ActiveSessions == baseline + 1), TimeSpan.FromSeconds(5), "the session is counted");

        // A COM_QUERY announcing 100 bytes, of which only 10 arrive before the client goes away.
        await client.WriteRawAsync([100, 0, 0, 0, 0x03, .. Encoding.ASCII.GetBytes("SELECT 1")]);
        await client.DisposeAsync();

        await Poll.UntilAsync(() => Task.FromResult(proxy.Server.ActiveSessions == baseline), TimeSpan.FromSeconds(5), "the proxy ends the session");
        await other.WaitForProgressAsync();
    }

    [Fact]
    public async Task PacketOverTheConfiguredMaxPacketSizeIsRejectedWithError1153()
    {
        await using var small = await ProxyFixture.StartProxyAsync(c => c with { Limits = c.Limits with { MaxPacketSize = 1024 * 1024 } });
        var port = small.MySqlEndPoint.Port;
        await using var other = await BackgroundClient.StartAsync(Cluster.ConnectionString(port, null, "app", "app"));

        await using (var connection = new MySqlConnection(Cluster.ConnectionString(port, null, "app", "app")))
        {
            await connection.OpenAsync();
            var fits = $"SELECT LENGTH('{new string('a', 900_000)}')";
            Assert.Equal(900_000L, Convert.ToInt64(await Sql.ScalarAsync(connection, fits)));
            await other.WaitForProgressAsync();

            var tooLarge = $"SELECT LENGTH('{new string('b', 2 * 1024 * 1024)}')";
            var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ScalarAsync(connection, tooLarge));
            Assert.Equal(1153, error.Number); // ER_NET_PACKET_TOO_LARGE
            Assert.Contains("max_packet_size", error.Message);
        }

        // Over 16 MiB, so the announced length is split over several packets.
        await using var raw = await RawMySqlClient.LoginAsync(port, "app", "app");
        var sending = raw.QueryAsync("SELECT '" + new string('c', 17 * 1024 * 1024) + "'");
        var (_, answer) = await raw.ReadPacketAsync();
        Assert.Equal(1153, RawMySqlClient.ParseError(answer).Code);
        try
        {
            await sending; // the rest may still fit in the socket buffers before the proxy closes…
        }
        catch (IOException)
        {
            // …or hit the closed connection: either way the client has its error
        }
        await Assert.ThrowsAnyAsync<IOException>(() => raw.ReadPacketAsync()); // closed after the error (EndOfStream is an IOException)
        await other.WaitForProgressAsync();
    }

    [Fact]
    public async Task WrongSequenceIdIsAnsweredWithPacketsOutOfOrder()
    {
        await using var other = await BackgroundClient.StartAsync(proxy.Proxy());
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app");

        await client.WritePacketAsync([0x03, .. Encoding.ASCII.GetBytes("SELECT 1")], sequenceId: 5);
        var packets = new List<byte[]>();
        var closed = await client.WaitForCloseAsync(TimeSpan.FromSeconds(5), packets);

        var (code, state, message) = RawMySqlClient.ParseError(Assert.Single(packets));
        Assert.Equal((1156, "08S01", "Got packets out of order"), (code, state, message));
        Assert.True(closed);
        await other.WaitForProgressAsync();
    }

    [Fact]
    public async Task UnknownCommandByteGetsTheServersUnknownCommandError()
    {
        await using var other = await BackgroundClient.StartAsync(proxy.Proxy());

        async Task<(ushort Code, string State)> SendAsync(int port)
        {
            await using var client = await RawMySqlClient.LoginAsync(port, "app", "app");
            await client.CommandAsync(0xEE, [1, 2, 3]);
            var (_, answer) = await client.ReadPacketAsync();
            var (code, state, _) = RawMySqlClient.ParseError(answer);
            return (code, state);
        }

        var proxied = await SendAsync(proxy.Port);
        var direct = await SendAsync(Cluster.PrimaryPort);

        Assert.Equal((ushort)1047, proxied.Code); // ER_UNKNOWN_COM_ERROR
        Assert.Equal(direct, proxied);
        await other.WaitForProgressAsync();
    }

    [Fact]
    public async Task ClientThatSendsNothingIsDroppedAfterTheHandshakeTimeout()
    {
        await using var other = await BackgroundClient.StartAsync(proxy.Proxy());
        await using var client = await RawMySqlClient.ConnectAsync(proxy.Port); // greeting read, then silence
        var watch = Stopwatch.StartNew();

        var closed = await client.WaitForCloseAsync(ProxyFixture.ClientHandshakeTimeout + TimeSpan.FromSeconds(3));

        Assert.True(closed, "the silent client was never dropped");
        Assert.InRange(watch.Elapsed, ProxyFixture.ClientHandshakeTimeout - TimeSpan.FromMilliseconds(300), ProxyFixture.ClientHandshakeTimeout + TimeSpan.FromSeconds(3));
        await other.WaitForProgressAsync();
    }

    [Fact]
    public async Task ClientThatLeavesInTheMiddleOfALargeResultIsCleanedUpAndTheProxyStopsCleanly()
    {
        var own = await ProxyFixture.StartProxyAsync();
        try
        {
            var port = own.MySqlEndPoint.Port;
            await using var other = await BackgroundClient.StartAsync(Cluster.ConnectionString(port, null, "app", "app"));
            var baseline = own.ActiveSessions;
            var client = await RawMySqlClient.LoginAsync(port, "app", "app", "mysql");
            await client.QueryAsync("SELECT REPEAT('x', 1024 * 1024) FROM seq_1_to_100");
            await client.ReadPacketAsync();
            await client.DisposeAsync();

            await Poll.UntilAsync(() => Task.FromResult(own.ActiveSessions == baseline), TimeSpan.FromSeconds(10), "the proxy ends the session");
            await other.WaitForProgressAsync();
        }
        finally
        {
            await own.StopAsync();
        }
    }
}
