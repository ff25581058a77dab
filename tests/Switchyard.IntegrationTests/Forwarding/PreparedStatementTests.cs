using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

/// <summary>The binary protocol commands MySqlConnector never sends, driven by the raw client.</summary>
[Collection(ProxyCollection.Name)]
public sealed class PreparedStatementTests(ProxyFixture proxy)
{
    [Fact]
    public async Task LongDataSentInChunksIsStoredAsOneValue()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE ld (id BIGINT PRIMARY KEY, data LONGBLOB)");
        var chunks = Enumerable.Range(0, 5).Select(i => RandomNumberGenerator.GetBytes(100_000 + i)).ToArray();
        var expected = Convert.ToHexString(SHA256.HashData(chunks.SelectMany(c => c).ToArray()));
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app", db.Name);

        var statement = await client.PrepareAsync("INSERT INTO ld VALUES (?, ?)");
        Assert.Equal(2, statement.Parameters);
        foreach (var chunk in chunks)
            await client.SendLongDataAsync(statement.Id, 1, chunk); // no answer: the next command follows directly
        await client.ExecuteAsync(statement.Id, 0, RawMySqlClient.Parameter.Int64(7), RawMySqlClient.Parameter.SentAsLongData());
        var (_, ok) = await client.ReadPacketAsync();

        Assert.True(ok[0] == 0x00, RawMySqlClient.Describe(ok));
        var stored = await Sql.ScalarAsync(Cluster.Direct(db.Name), "SELECT UPPER(SHA2(data, 256)) FROM ld WHERE id = 7");
        Assert.Equal(expected, stored);
    }

    [Fact]
    public async Task CursorFetchReturnsRowsInBatchesUntilTheLastRowIsSent()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app", db.Name);
        var statement = await client.PrepareAsync("SELECT seq, REPEAT('r', seq) FROM seq_1_to_25");

        await client.ExecuteAsync(statement.Id, cursorFlags: 1 /* CURSOR_TYPE_READ_ONLY */);
        var (_, columnCount) = await client.ReadPacketAsync();
        Assert.Equal(2, columnCount[0]);
        for (var i = 0; i < 2; i++)
            await client.ReadPacketAsync();
        var (_, eof) = await client.ReadPacketAsync();
        Assert.True((RawMySqlClient.StatusOf(eof) & RawMySqlClient.StatusCursorExists) != 0, "the server opened a cursor");

        var values = new List<long>();
        var batches = 0;
        while (true)
        {
            await client.FetchAsync(statement.Id, 10);
            var (rows, end) = await client.ReadBinaryRowsAsync();
            Assert.True(end[0] == 0xFE, RawMySqlClient.Describe(end));
            batches++;
            Assert.True(rows.Count <= 10);
            // Binary row: 0x00, a 1-byte NULL bitmap for two columns, then the BIGINT UNSIGNED in 8 bytes.
            values.AddRange(rows.Select(r => (long)BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(2))));
            if ((RawMySqlClient.StatusOf(end) & RawMySqlClient.StatusLastRowSent) != 0)
                break;
            Assert.True(batches < 10, "the cursor never reported its last row");
        }

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), values);
        Assert.Equal(3, batches);
        await client.QueryAsync("SELECT 'still in sync'");
        Assert.Equal("still in sync", (await client.ReadTextResultAsync()).Rows.Single()[0]);
    }

    [Fact]
    public async Task ResetDiscardsLongDataAndCloseForgetsTheStatement()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Sql.ExecuteAsync(Cluster.Root(db.Name), "CREATE TABLE ld (id BIGINT PRIMARY KEY, data LONGBLOB)");
        await using var client = await RawMySqlClient.LoginAsync(proxy.Port, "app", "app", db.Name);
        var statement = await client.PrepareAsync("INSERT INTO ld VALUES (?, ?)");

        await client.SendLongDataAsync(statement.Id, 1, Encoding.ASCII.GetBytes("discarded"));
        await client.CommandAsync(RawMySqlClient.ComStmtReset, BitConverter.GetBytes(statement.Id));
        var (_, resetOk) = await client.ReadPacketAsync();
        Assert.True(resetOk[0] == 0x00, RawMySqlClient.Describe(resetOk));
        await client.ExecuteAsync(statement.Id, 0, RawMySqlClient.Parameter.Int64(1), RawMySqlClient.Parameter.Blob(Encoding.ASCII.GetBytes("kept")));
        var (_, insertOk) = await client.ReadPacketAsync();
        Assert.True(insertOk[0] == 0x00, RawMySqlClient.Describe(insertOk));

        await client.CommandAsync(RawMySqlClient.ComStmtClose, BitConverter.GetBytes(statement.Id)); // no answer
        await client.ExecuteAsync(statement.Id, 0, RawMySqlClient.Parameter.Int64(2), RawMySqlClient.Parameter.Blob([1]));
        var (_, error) = await client.ReadPacketAsync();

        var (code, _, message) = RawMySqlClient.ParseError(error);
        Assert.Equal(1243, code); // ER_UNKNOWN_STMT_HANDLER
        Assert.Contains("mysqld_stmt_execute", message);
        Assert.Equal("kept", await Sql.ScalarAsync(Cluster.Direct(db.Name), "SELECT CAST(GROUP_CONCAT(data) AS CHAR) FROM ld"));
        await client.CommandAsync(RawMySqlClient.ComPing, []);
        Assert.Equal(0x00, (await client.ReadPacketAsync()).Payload[0]);
    }

    [Fact]
    public async Task ManyPreparedStatementsThroughMySqlConnectorGiveTheSameResultsAsDirect()
    {
        await using var db = await TestDatabase.CreateAsync();
        const string sql = "SELECT seq, seq * @factor, CONCAT('n', seq), seq / 7 FROM seq_1_to_200 WHERE seq % @modulo = 0";

        async Task<List<string>> RunAsync(string connectionString)
        {
            await using var connection = new MySqlConnection(connectionString + "IgnorePrepare=false;");
            await connection.OpenAsync();
            var lines = new List<string>();
            for (var modulo = 1; modulo <= 20; modulo++)
            {
                await using var command = new MySqlCommand(sql, connection);
                command.Parameters.AddWithValue("@factor", 1.5m);
                command.Parameters.AddWithValue("@modulo", modulo);
                await command.PrepareAsync();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    lines.Add(string.Join("|", Enumerable.Range(0, 4).Select(i => Sql.Render(reader.GetValue(i)))));
            }
            return lines;
        }

        var proxied = await RunAsync(proxy.Proxy(db.Name));
        var direct = await RunAsync(Cluster.Direct(db.Name));

        Assert.Equal(Enumerable.Range(1, 20).Sum(m => 200 / m), proxied.Count);
        Assert.Equal(direct, proxied);
    }
}
