using MySqlConnector;
using Switchyard.IntegrationTests.Configuration;
using Switchyard.IntegrationTests.Support;
using Xunit;

namespace Switchyard.IntegrationTests.MultiPrimary;

/// <summary>A session whose open transaction lives on the writer that dies is told, never moved to the next writer.</summary>
public sealed class PinnedWriterLossTests
{
    [Fact]
    public async Task AnOpenTransactionOnAWriterThatDiesGetsTheUnknownOutcomeErrorAndIsNotMoved()
    {
        await using var pair = await MultiPrimaryPair.StartAsync();
        await Sql.ExecuteAsync(pair.Writers[0].Root(), "CREATE TABLE test.ledger (id INT PRIMARY KEY)");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await using var proxy = await ReloadableProxy.StartAsync(pair.ProxyYaml("kind: multi-primary\nfailback: manual"));
        await using var connection = new MySqlConnection(proxy.Connection());
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, "START TRANSACTION");
        await Sql.ExecuteAsync(connection, "INSERT INTO test.ledger VALUES (1)");

        await pair.Writers[0].KillAsync();
        var error = await Assert.ThrowsAsync<MySqlException>(() => Sql.ExecuteAsync(connection, "COMMIT"));

        Assert.StartsWith("Switchyard: write outcome unknown: the connection to writer 'writer1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the open transaction (and this statement) may or may not have been committed", error.Message, StringComparison.Ordinal);
        // New sessions write on the other writer; the row of the lost transaction is nowhere.
        Assert.Equal(12, await WriterProbe.WriterOfNextWriteAsync(proxy.Connection()));
        Assert.Equal(0L, Convert.ToInt64(await Sql.ScalarAsync(pair.Writers[1].Root(), "SELECT COUNT(*) FROM test.ledger")));
    }
}
