using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

[Collection(ProxyCollection.Name)]
public sealed class ColumnTypeTests(ProxyFixture proxy)
{
    private const string CreateTable = """
        CREATE TABLE t (
          id INT PRIMARY KEY,
          ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
          i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
          de DECIMAL(30,10), fl FLOAT, dbl DOUBLE,
          d DATE, tm TIME(6), dt DATETIME(6), ts TIMESTAMP(3) NULL, y YEAR,
          c CHAR(10), vc VARCHAR(200), tx TEXT, lt LONGTEXT,
          bn BINARY(4), vb VARBINARY(20), bl BLOB,
          e ENUM('small','medium','large'), st SET('a','b','c'), bt BIT(10), j JSON
        ) CHARACTER SET utf8mb4
        """;

    // The DECIMAL value has 29 digits: the most System.Decimal (and so MySqlConnector) holds without rounding.
    private const string Insert = """
        INSERT INTO t VALUES
        (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
         '-1234567890123456789.0123456789', 3.25, -1.7976931348623157e308,
         '2024-02-29', '-838:59:58.999999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.123', 2155,
         'fixed', 'mixed ünïcödé 🚂🚃 text', REPEAT('long text ', 1000), CONCAT('emoji 🎉 ', REPEAT('z', 70000)),
         x'00FF0A0D', x'000102FEFF', x'DEADBEEF00CAFE',
         'medium', 'a,c', b'1010101010', '{"k": [1, 2.5, "🚀", null, true]}'),
        (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0,
         '0.0000000001', -0.0, 2.2250738585072014e-308,
         '1000-01-01', '00:00:00.000001', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000', 1901,
         '', '', '', '',
         x'00000000', x'', x'',
         'small', '', b'0', '{}'),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
        """;

    [Fact]
    public async Task EveryColumnTypeReadsTheSameThroughTheProxyAsDirectlyWithTheTextProtocol()
    {
        await using var db = await TestDatabase.CreateAsync();
        await CreateAndFillThroughProxyAsync(db);

        var (direct, proxied) = await ReadBothAsync(db, "SELECT * FROM t ORDER BY id", prepare: false);

        AssertSameRows(direct, proxied);
    }

    [Fact]
    public async Task EveryColumnTypeReadsTheSameThroughTheProxyAsDirectlyWithPreparedStatements()
    {
        await using var db = await TestDatabase.CreateAsync();
        await CreateAndFillThroughProxyAsync(db);

        var (direct, proxied) = await ReadBothAsync(db, "SELECT * FROM t WHERE id > @min ORDER BY id", prepare: true);

        AssertSameRows(direct, proxied);
    }

    [Fact]
    public async Task ValuesWrittenAsPreparedParametersThroughTheProxyAreStoredExactly()
    {
        await using var db = await TestDatabase.CreateAsync();
        await CreateAndFillThroughProxyAsync(db);
        await using (var connection = new MySqlConnection(proxy.Proxy(db.Name, extra: "IgnorePrepare=false")))
        {
            await connection.OpenAsync();
            // Read row 1 through the proxy and write it back as row 11 with binary-protocol parameters.
            var source = new List<object>();
            await using (var read = new MySqlCommand("SELECT * FROM t WHERE id = 1", connection))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                for (var i = 0; i < reader.FieldCount; i++)
                    source.Add(reader.GetValue(i));
            }
            await using var insert = new MySqlCommand(
                $"INSERT INTO t VALUES ({string.Join(", ", source.Select((_, i) => "@p" + i))})", connection);
            for (var i = 0; i < source.Count; i++)
                insert.Parameters.AddWithValue("@p" + i, i == 0 ? 11 : source[i]);
            await insert.PrepareAsync();
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var direct = new MySqlConnection(Cluster.Direct(db.Name));
        await direct.OpenAsync();
        // Compared by the server itself, column by column (JSON by meaning, text byte for byte).
        string[] columns = ["ti", "tiu", "si", "siu", "mi", "miu", "i", "iu", "bi", "biu", "de", "fl", "dbl", "d", "tm", "dt",
            "ts", "y", "c", "BINARY vc", "BINARY tx", "BINARY lt", "bn", "vb", "bl", "e", "st", "bt"];
        var same = await Sql.RowsAsync(direct,
            "SELECT " + string.Join(", ", columns.Select(c => $"a.{c.Replace("BINARY ", "")} <=> b.{c.Replace("BINARY ", "")}")) +
            ", JSON_EQUALS(a.j, b.j) FROM t a JOIN t b ON a.id = 1 AND b.id = 11");
        var differing = columns.Append("j").Where((_, i) => same[0][i] != "1").ToList();
        Assert.Empty(differing);
        Assert.Equal("1", (await Sql.RowsAsync(direct, "SELECT COUNT(*) FROM t WHERE id = 11"))[0][0]);
    }

    private async Task CreateAndFillThroughProxyAsync(TestDatabase db)
    {
        await using var connection = new MySqlConnection(proxy.Proxy(db.Name));
        await connection.OpenAsync();
        await using var command = new MySqlCommand(CreateTable, connection);
        await command.ExecuteNonQueryAsync();
        command.CommandText = Insert;
        Assert.Equal(3, await command.ExecuteNonQueryAsync());
    }

    private async Task<(Table Direct, Table Proxied)> ReadBothAsync(TestDatabase db, string sql, bool prepare)
    {
        var extra = prepare ? "IgnorePrepare=false" : "";
        return (await ReadAsync(Cluster.Direct(db.Name, extra: extra), sql, prepare),
                await ReadAsync(proxy.Proxy(db.Name, extra: extra), sql, prepare));
    }

    private sealed record Table(List<string> Columns, List<List<string>> Rows);

    private static async Task<Table> ReadAsync(string connectionString, string sql, bool prepare)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@min", 0);
        if (prepare)
            await command.PrepareAsync();
        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount)
            .Select(i => $"{reader.GetName(i)}:{reader.GetDataTypeName(i)}:{reader.GetFieldType(i).Name}").ToList();
        var rows = new List<List<string>>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Sql.Render(reader.GetValue(i))).ToList());
        return new Table(columns, rows);
    }

    private static void AssertSameRows(Table direct, Table proxied)
    {
        Assert.Equal(30, proxied.Columns.Count);
        Assert.Equal(direct.Columns, proxied.Columns);
        Assert.Equal(3, proxied.Rows.Count);
        for (var r = 0; r < direct.Rows.Count; r++)
        {
            for (var c = 0; c < direct.Columns.Count; c++)
                Assert.True(direct.Rows[r][c] == proxied.Rows[r][c], $"row {r}, column {direct.Columns[c]}: direct '{Trim(direct.Rows[r][c])}', proxy '{Trim(proxied.Rows[r][c])}'");
        }
        // Spot checks that the values are the inserted ones, not merely equal on both paths.
        Assert.Equal("mixed ünïcödé 🚂🚃 text", proxied.Rows[0][20]);
        Assert.Equal("18446744073709551615", proxied.Rows[0][10]);
        Assert.Equal("0x000102FEFF", proxied.Rows[0][24]);
        Assert.All(proxied.Rows[2].Skip(1), value => Assert.Equal("NULL", value));
    }

    private static string Trim(string value) => value.Length > 80 ? value[..80] + "…" : value;
}
