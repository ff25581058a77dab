using Switchyard.Routing.Sessions;

namespace Switchyard.Routing.Tests.Sessions;

/// <summary>
/// The generated text is asserted exactly; each form was run once against MariaDB 10.11 to confirm the
/// server accepts it and ends in the intended state.
/// </summary>
public sealed class SessionStateDiffTests
{
    private const string DefaultCharset = "utf8mb4";

    [Fact]
    public void Statements_SameInstance_EmptyWithoutAllocating()
    {
        SessionState state = States.Of("SET sql_mode = ''");
        SessionState schemaOnly = SessionState.Empty.WithSchema("x");
        SessionStateDiff.Statements(state, state, DefaultCharset);

        long before = GC.GetAllocatedBytesForCurrentThread();
        IReadOnlyList<string> statements = SessionStateDiff.Statements(state, state, DefaultCharset);
        IReadOnlyList<string> empty = SessionStateDiff.Statements(SessionState.Empty, schemaOnly, DefaultCharset);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(statements);
        Assert.Empty(empty);
    }

    [Fact]
    public void Statements_EqualSettingsDifferentInstances_Empty()
    {
        Assert.Empty(SessionStateDiff.Statements(States.Of("SET sql_mode = ''"), States.Of("SET SESSION sql_mode = ''"), DefaultCharset));
    }

    [Fact]
    public void Statements_AddedAndChangedVariables_OneCombinedSet()
    {
        SessionState from = States.Of("SET sql_mode = 'ANSI', wait_timeout = 100");
        SessionState to = States.Of("SET sql_mode = 'TRADITIONAL', wait_timeout = 100, time_zone = '+00:00'");

        Assert.Equal(
            ["SET SESSION sql_mode = 'TRADITIONAL', SESSION time_zone = '+00:00'"],
            SessionStateDiff.Statements(from, to, DefaultCharset));
    }

    [Fact]
    public void Statements_RemovedVariable_ResetToDefault()
    {
        SessionState from = States.Of("SET sql_mode = 'ANSI', time_zone = 'UTC'");
        SessionState to = States.Of("SET time_zone = 'UTC'");

        Assert.Equal(["SET SESSION sql_mode = DEFAULT"], SessionStateDiff.Statements(from, to, DefaultCharset));
    }

    [Fact]
    public void Statements_ValueTextAsWritten_Replayed()
    {
        SessionState to = States.Of("SET @@session.sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE') /* x */");

        Assert.Equal(
            ["SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')"],
            SessionStateDiff.Statements(SessionState.Empty, to, DefaultCharset));
    }

    [Fact]
    public void Statements_NamesWithCollationAndVariable_NamesLeadsTheSet()
    {
        SessionState to = States.Of("SET sql_mode = ''", "SET NAMES utf8mb4 COLLATE utf8mb4_bin");

        Assert.Equal(
            ["SET NAMES utf8mb4 COLLATE utf8mb4_bin, SESSION sql_mode = ''"],
            SessionStateDiff.Statements(SessionState.Empty, to, DefaultCharset));
    }

    [Fact]
    public void Statements_CharacterSet_CharacterSetForm()
    {
        Assert.Equal(
            ["SET CHARACTER SET latin1"],
            SessionStateDiff.Statements(States.Of("SET NAMES utf8mb4"), States.Of("SET CHARACTER SET latin1"), DefaultCharset));
    }

    [Fact]
    public void Statements_CharsetOnlyInFrom_RestoresDefaultCharset()
    {
        Assert.Equal(
            ["SET NAMES utf8mb4"],
            SessionStateDiff.Statements(States.Of("SET NAMES latin1"), SessionState.Empty, DefaultCharset));
    }

    [Fact]
    public void Statements_CharsetVariableOnlyInFrom_ReplaysCharsetInsteadOfDefault()
    {
        // DEFAULT would give the global character_set_results, not what SET NAMES latin1 gives.
        SessionState from = States.Of("SET NAMES latin1", "SET character_set_results = NULL");
        SessionState to = States.Of("SET NAMES latin1");

        Assert.Equal(["SET NAMES latin1"], SessionStateDiff.Statements(from, to, DefaultCharset));
    }

    [Fact]
    public void Statements_CharsetChangesAndToHasCharsetVariable_VariableReplayedAfterNames()
    {
        SessionState from = States.Of("SET NAMES latin1", "SET character_set_results = NULL");
        SessionState to = States.Of("SET NAMES utf8mb4", "SET character_set_results = NULL");

        Assert.Equal(
            ["SET NAMES utf8mb4, SESSION character_set_results = NULL"],
            SessionStateDiff.Statements(from, to, DefaultCharset));
    }

    [Fact]
    public void Statements_SessionTransactionCharacteristics_SeparateStatement()
    {
        SessionState to = States.Of("SET sql_mode = ''", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY");

        Assert.Equal(
            ["SET SESSION sql_mode = ''", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY"],
            SessionStateDiff.Statements(SessionState.Empty, to, DefaultCharset));
    }

    [Fact]
    public void Statements_OnlyChangedCharacteristic_OnlyItEmitted()
    {
        SessionState from = States.Of("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY");
        SessionState to = States.Of("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE");

        Assert.Equal(["SET SESSION TRANSACTION READ WRITE"], SessionStateDiff.Statements(from, to, DefaultCharset));
    }

    [Fact]
    public void Statements_CharacteristicsOnlyInFrom_ResetThroughTxVariables()
    {
        SessionState from = States.Of("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY");

        Assert.Equal(
            ["SET SESSION tx_isolation = DEFAULT, SESSION tx_read_only = DEFAULT"],
            SessionStateDiff.Statements(from, SessionState.Empty, DefaultCharset));
    }

    [Fact]
    public void Statements_IsolationVariableForm_ReplayedAsVariable()
    {
        SessionState to = States.Of("SET @@session.tx_isolation = 'READ-COMMITTED'");

        Assert.Equal(
            ["SET SESSION tx_isolation = 'READ-COMMITTED'"],
            SessionStateDiff.Statements(States.Of("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"), to, DefaultCharset));
    }

    [Fact]
    public void Statements_Role_SetAndReset()
    {
        SessionState withRole = States.Of("SET ROLE analyst");

        Assert.Equal(["SET ROLE analyst"], SessionStateDiff.Statements(SessionState.Empty, withRole, DefaultCharset));
        Assert.Equal(["SET ROLE NONE"], SessionStateDiff.Statements(withRole, SessionState.Empty, DefaultCharset));
    }

    [Fact]
    public void Statements_EverythingAtOnce_CharsetResetsSetsThenTransactionThenRole()
    {
        SessionState from = States.Of("SET NAMES latin1, sql_mode = 'ANSI', wait_timeout = 5", "SET ROLE r1");
        SessionState to = States.Of(
            "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci, wait_timeout = 10, time_zone = '+00:00'",
            "SET SESSION TRANSACTION READ ONLY");

        Assert.Equal(
            [
                "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci, SESSION sql_mode = DEFAULT, SESSION wait_timeout = 10, SESSION time_zone = '+00:00'",
                "SET SESSION TRANSACTION READ ONLY",
                "SET ROLE NONE",
            ],
            SessionStateDiff.Statements(from, to, DefaultCharset));
    }

    [Fact]
    public void Statements_OddVariableName_Backquoted()
    {
        SessionState to = States.Of("SET `my-var` = 1");

        Assert.Equal(["SET SESSION `my-var` = 1"], SessionStateDiff.Statements(SessionState.Empty, to, DefaultCharset));
    }

    [Fact]
    public void Statements_SchemaOnly_NoSqlButSchemaDiffers()
    {
        SessionState from = States.Of("SET sql_mode = ''");
        SessionState to = from.WithSchema("shop");

        Assert.Empty(SessionStateDiff.Statements(from, to, DefaultCharset));
        Assert.True(SessionStateDiff.SchemaDiffers(from, to));
        Assert.False(SessionStateDiff.SchemaDiffers(to, States.Of("USE shop")));
    }
}
