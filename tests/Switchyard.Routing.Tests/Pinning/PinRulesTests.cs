using Switchyard.Routing.Classification;
using Switchyard.Routing.Pinning;

namespace Switchyard.Routing.Tests.Pinning;

public sealed class PinRulesTests
{
    [Theory]
    [InlineData("SET @a = 1", (int)(PinReason.UserVariable))]
    [InlineData("SELECT @rn := @rn + 1 FROM t", (int)(PinReason.UserVariable))]
    [InlineData("CREATE TEMPORARY TABLE tmp (a INT)", (int)(PinReason.TemporaryTable | PinReason.LastInsertId | PinReason.FoundRows))]
    [InlineData("SELECT GET_LOCK('a', 1)", (int)(PinReason.NamedLock))]
    [InlineData("DO GET_LOCK('a', 1)", (int)(PinReason.NamedLock | PinReason.LastInsertId | PinReason.FoundRows))]
    [InlineData("LOCK TABLES t WRITE", (int)(PinReason.TableLock | PinReason.LastInsertId | PinReason.FoundRows))]
    [InlineData("FLUSH TABLES WITH READ LOCK", (int)(PinReason.TableLock | PinReason.LastInsertId | PinReason.FoundRows))]
    [InlineData("PREPARE s FROM 'SELECT 1'", (int)(PinReason.SqlPrepare))]
    [InlineData("SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10", (int)(PinReason.FoundRows))]
    [InlineData("INSERT INTO t VALUES (1)", (int)(PinReason.LastInsertId | PinReason.FoundRows))]
    [InlineData("UPDATE t SET a = 1", (int)(PinReason.LastInsertId | PinReason.FoundRows))]
    public void PinsFrom_PinningStatement_ExpectedReasons(string sql, int expected)
    {
        Assert.Equal((PinReason)expected, PinRules.PinsFrom(StatementClassifier.Classify(sql)));
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("SELECT * FROM t FOR UPDATE")]
    [InlineData("SELECT IS_FREE_LOCK('a')")]
    [InlineData("SELECT RELEASE_ALL_LOCKS()")]
    [InlineData("SET sql_mode = ''")]
    [InlineData("SET NAMES utf8mb4")]
    [InlineData("SELECT @a")]
    [InlineData("BEGIN")]
    [InlineData("COMMIT")]
    public void PinsFrom_NonPinningStatement_None(string sql)
    {
        Assert.Equal(PinReason.None, PinRules.PinsFrom(StatementClassifier.Classify(sql)));
    }

    [Theory]
    [InlineData("UNLOCK TABLES")]
    [InlineData("UNLOCK INSTANCE")]
    public void PinsFrom_Unlock_NoTableLock(string sql)
    {
        Assert.Equal(PinReason.None, PinRules.PinsFrom(StatementClassifier.Classify(sql)) & PinReason.TableLock);
    }

    [Theory]
    [InlineData("EXECUTE s")]
    [InlineData("DEALLOCATE PREPARE s")]
    public void PinsFrom_ExecuteOrDeallocate_StaysSqlPrepare(string sql)
    {
        Assert.True(PinRules.PinsFrom(StatementClassifier.Classify(sql)).HasFlag(PinReason.SqlPrepare));
    }

    [Theory]
    [InlineData("UNLOCK TABLES", (int)(PinReason.TableLock))]
    [InlineData("SELECT RELEASE_ALL_LOCKS()", (int)(PinReason.NamedLock))]
    [InlineData("DO RELEASE_ALL_LOCKS()", (int)(PinReason.NamedLock))]
    [InlineData("SELECT RELEASE_LOCK('a')", (int)(PinReason.None))]
    [InlineData("SELECT RELEASE_ALL_LOCKS(), GET_LOCK('b', 1)", (int)(PinReason.None))]
    [InlineData("LOCK TABLES t WRITE; UPDATE t SET a = 1; UNLOCK TABLES", (int)(PinReason.None))]
    [InlineData("DROP TEMPORARY TABLE tmp", (int)(PinReason.None))]
    [InlineData("DEALLOCATE PREPARE s", (int)(PinReason.None))]
    [InlineData("COMMIT", (int)(PinReason.None))]
    public void ReleasedBy_Statement_ExpectedReasons(string sql, int expected)
    {
        Assert.Equal((PinReason)expected, PinRules.ReleasedBy(StatementClassifier.Classify(sql)));
    }

    [Theory]
    [InlineData("SELECT LAST_INSERT_ID()", (int)(PinReason.LastInsertId))]
    [InlineData("SELECT @@identity", (int)(PinReason.LastInsertId))]
    [InlineData("SELECT FOUND_ROWS()", (int)(PinReason.FoundRows))]
    [InlineData("SELECT ROW_COUNT()", (int)(PinReason.FoundRows))]
    [InlineData("SELECT 1", (int)(PinReason.None))]
    public void NeededBy_Statement_OneStatementPinsItUses(string sql, int expected)
    {
        Assert.Equal((PinReason)expected, PinRules.NeededBy(StatementClassifier.Classify(sql)));
    }

    [Fact]
    public void After_LockThenReadThenUnlock_PinnedUntilUnlock()
    {
        PinReason pins = After(PinReason.None, "LOCK TABLES t READ");
        Assert.True(pins.HasFlag(PinReason.TableLock));

        pins = After(pins, "SELECT * FROM t");
        Assert.Equal(PinReason.TableLock, pins);

        Assert.Equal(PinReason.None, After(pins, "UNLOCK TABLES") & PinReason.TableLock);
    }

    [Fact]
    public void After_InsertThenTwoStatements_LastInsertIdLastsOneStatement()
    {
        PinReason pins = After(PinReason.None, "INSERT INTO t VALUES (1)");
        Assert.True(pins.HasFlag(PinReason.LastInsertId));

        pins = After(pins, "SELECT LAST_INSERT_ID()");
        Assert.Equal(PinReason.None, pins);
    }

    [Fact]
    public void After_CalcFoundRowsThenFoundRows_PinLapses()
    {
        PinReason pins = After(PinReason.None, "SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1");
        Assert.Equal(PinReason.FoundRows, pins);

        // FOUND_ROWS() itself carries the flag again: one extra pinned statement, harmless.
        pins = After(pins, "SELECT FOUND_ROWS()");
        Assert.Equal(PinReason.None, After(pins, "SELECT 1"));
    }

    [Fact]
    public void After_GetLockThenReleaseAll_Unpinned()
    {
        PinReason pins = After(PinReason.None, "SELECT GET_LOCK('a', 1)");
        pins = After(pins, "SELECT RELEASE_LOCK('a')");
        Assert.Equal(PinReason.NamedLock, pins);

        Assert.Equal(PinReason.None, After(pins, "SELECT RELEASE_ALL_LOCKS()"));
    }

    [Fact]
    public void After_CallerSetReasons_Kept()
    {
        const PinReason callerSet = PinReason.Transaction | PinReason.Cursor | PinReason.LongData | PinReason.MultiStatementState;

        Assert.Equal(callerSet, After(callerSet, "UNLOCK TABLES") & callerSet);
        Assert.Equal(callerSet, After(callerSet, "SELECT RELEASE_ALL_LOCKS()"));
    }

    [Fact]
    public void After_TemporaryTableDropped_StillPinned()
    {
        PinReason pins = After(PinReason.None, "CREATE TEMPORARY TABLE tmp (a INT)");
        pins = After(pins, "DROP TEMPORARY TABLE tmp");

        Assert.True(pins.HasFlag(PinReason.TemporaryTable));
    }

    private static PinReason After(PinReason pins, string sql) => PinRules.After(pins, StatementClassifier.Classify(sql));
}
