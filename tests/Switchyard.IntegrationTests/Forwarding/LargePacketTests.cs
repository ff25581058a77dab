using System.Security.Cryptography;
using MySqlConnector;
using Switchyard.IntegrationTests.Support;

namespace Switchyard.IntegrationTests.Forwarding;

[Collection(ProxyCollection.Name)]
public sealed class LargePacketTests(ProxyFixture proxy)
{
    /// <summary>Over 16 MiB, so both the INSERT and the row coming back are split into several packets.</summary>
    private const int BlobSize = 16 * 1024 * 1024 + 300_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BlobLargerThanSixteenMebibytesRoundTripsThroughTheProxy(bool prepared)
    {
        await using var db = await TestDatabase.CreateAsync($"Blob{(prepared ? "Prepared" : "Text")}");
        var content = RandomNumberGenerator.GetBytes(BlobSize);
        var expected = Convert.ToHexString(SHA256.HashData(content));

        await using (var connection = new MySqlConnection(proxy.Proxy(db.Name, extra: prepared ? "IgnorePrepare=false" : "")))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand("CREATE TABLE b (id INT PRIMARY KEY, data LONGBLOB)", connection);
            await command.ExecuteNonQueryAsync();
            command.CommandText = "INSERT INTO b VALUES (1, @data)";
            command.Parameters.AddWithValue("@data", content);
            if (prepared)
                await command.PrepareAsync();
            Assert.Equal(1, await command.ExecuteNonQueryAsync());

            command.Parameters.Clear();
            command.CommandText = "SELECT data FROM b WHERE id = 1";
            if (prepared)
                await command.PrepareAsync();
            var read = (byte[])(await command.ExecuteScalarAsync())!;
            Assert.Equal(BlobSize, read.Length);
            Assert.Equal(expected, Convert.ToHexString(SHA256.HashData(read)));
            Assert.Equal(42L, Convert.ToInt64(await Sql.ScalarAsync(connection, "SELECT 42")));
        }

        var stored = await Sql.ScalarAsync(Cluster.Direct(db.Name), "SELECT UPPER(SHA2(data, 256)) FROM b WHERE id = 1");
        Assert.Equal(expected, stored);
    }
}
