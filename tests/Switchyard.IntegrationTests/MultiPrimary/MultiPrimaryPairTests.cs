using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>The two-writer topology the multi-primary tests stand on really replicates both ways.</summary>
public sealed class MultiPrimaryPairTests
{
    [Fact]
    public async Task RowsWrittenOnEitherWriterReachTheOtherWithTheirOwnAutoIncrementOffsets()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        var (first, second) = (pair.Writers[0], pair.Writers[1]);
        await Sql.ExecuteAsync(first.Root(), "CREATE TABLE test.pair (id INT AUTO_INCREMENT PRIMARY KEY, origin VARCHAR(8))");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await Sql.ExecuteAsync(first.Root(), "INSERT INTO test.pair (origin) VALUES ('first')");
        await Sql.ExecuteAsync(second.Root(), "INSERT INTO test.pair (origin) VALUES ('second')");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));

        foreach (var writer in pair.Writers)
        {
            await using var connection = new MySqlConnector.MySqlConnection(writer.Root());
            await connection.OpenAsync();
            var rows = await Sql.RowsAsync(connection, "SELECT id, origin FROM test.pair ORDER BY origin");
            Assert.Equal(["1", "first"], rows[0]);
            Assert.Equal(["2", "second"], rows[1]);
        }
    }
}
