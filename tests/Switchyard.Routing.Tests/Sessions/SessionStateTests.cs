using Switchyard.Routing.Classification;
using Switchyard.Routing.Sessions;

namespace Switchyard.Routing.Tests.Sessions;

public sealed class SessionStateTests
{
    [Fact]
    public void Empty_NoSchemaNoSettings_IsEmpty()
    {
        Assert.True(SessionState.Empty.IsEmpty);
        Assert.Null(SessionState.Empty.Schema);
        Assert.Empty(SessionState.Empty.Settings);
    }

    [Fact]
    public void With_SessionVariables_StoredInOrder()
    {
        SessionState state = States.Of("SET sql_mode = 'ANSI', @@session.time_zone = '+00:00'");

        Assert.Equal(["SystemVariable:sql_mode='ANSI'", "SystemVariable:time_zone='+00:00'"], States.Describe(state));
    }

    [Fact]
    public void With_VariableSetAgain_LaterValueMovedToEnd()
    {
        SessionState state = States.Of("SET sql_mode = 'ANSI', time_zone = 'UTC'", "SET SESSION sql_mode = ''");

        Assert.Equal(["SystemVariable:time_zone='UTC'", "SystemVariable:sql_mode=''"], States.Describe(state));
    }

    [Fact]
    public void With_VariableSetToDefault_Removed()
    {
        SessionState state = States.Of("SET sql_mode = 'ANSI', time_zone = 'UTC'", "SET sql_mode = default");

        Assert.Equal(["SystemVariable:time_zone='UTC'"], States.Describe(state));
    }

    [Theory]
    [InlineData("SET GLOBAL max_connections = 10")]
    [InlineData("SET @@global.sql_mode = ''")]
    [InlineData("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")]
    [InlineData("SET @a = 1")]
    [InlineData("SET @a := 1, @b = 2")]
    [InlineData("SELECT 1")]
    [InlineData("SET sql_mode = DEFAULT")]
    [InlineData("SET ROLE NONE")]
    public void With_NothingMovable_SameInstance(string sql)
    {
        SessionState state = States.Of("SET time_zone = 'UTC'");

        Assert.Same(state, state.With(SessionStateParser.Parse(sql)));
    }

    [Fact]
    public void With_SameValueAgain_SameInstance()
    {
        SessionState state = States.Of("SET NAMES utf8mb4, sql_mode = 'ANSI'", "SET SESSION TRANSACTION READ ONLY");

        Assert.Same(state, States.After(state, "SET @@sql_mode = 'ANSI'", "SET NAMES utf8mb4", "SET SESSION TRANSACTION READ ONLY"));
    }

    [Fact]
    public void With_NamesThenCharacterSet_OneCharsetKeyLaterWins()
    {
        SessionState state = States.Of("SET NAMES utf8mb4", "SET CHARACTER SET latin1");

        Assert.Equal(["CharacterSet:character_set=latin1"], States.Describe(state));
    }

    [Fact]
    public void With_NamesAfterCharsetVariables_ThoseVariablesDropped()
    {
        SessionState state = States.Of(
            "SET character_set_results = NULL, collation_connection = 'utf8mb4_bin', sql_mode = ''",
            "SET NAMES latin1");

        Assert.Equal(["SystemVariable:sql_mode=''", "Names:names=latin1"], States.Describe(state));
    }

    [Fact]
    public void With_CharsetVariableAfterNames_KeptAfterNames()
    {
        SessionState state = States.Of("SET NAMES utf8mb4", "SET character_set_results = NULL");

        Assert.Equal(["Names:names=utf8mb4", "SystemVariable:character_set_results=NULL"], States.Describe(state));
    }

    [Fact]
    public void With_SameNamesAgainAfterCharsetVariable_VariableDropped()
    {
        SessionState before = States.Of("SET NAMES utf8mb4", "SET character_set_results = NULL");

        SessionState after = States.After(before, "SET NAMES utf8mb4");

        Assert.NotSame(before, after);
        Assert.Equal(["Names:names=utf8mb4"], States.Describe(after));
    }

    [Fact]
    public void With_SessionTransactionCharacteristics_OneKeyEach()
    {
        SessionState state = States.Of(
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY",
            "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE");

        Assert.Equal(
            ["TransactionCharacteristic:transaction_read_only=READ ONLY", "TransactionCharacteristic:transaction_isolation=ISOLATION LEVEL SERIALIZABLE"],
            States.Describe(state));
    }

    [Fact]
    public void With_IsolationVariableAfterCharacteristic_ReplacesIt()
    {
        SessionState state = States.Of(
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "SET @@session.tx_isolation = 'SERIALIZABLE'");

        Assert.Equal(["SystemVariable:tx_isolation='SERIALIZABLE'"], States.Describe(state));
    }

    [Fact]
    public void With_IsolationVariableDefault_RemovesCharacteristic()
    {
        SessionState state = States.Of("SET SESSION TRANSACTION READ ONLY", "SET SESSION transaction_read_only = DEFAULT");

        Assert.Empty(state.Settings);
    }

    [Fact]
    public void With_RoleThenNone_Removed()
    {
        SessionState state = States.Of("SET ROLE analyst");
        Assert.Equal(["Role:role=analyst"], States.Describe(state));

        Assert.Empty(States.After(state, "SET ROLE NONE").Settings);
    }

    [Theory]
    [InlineData("USE shop", "shop")]
    [InlineData("USE `my db`", "my db")]
    [InlineData("USE `a``b`", "a`b")]
    public void With_Use_SchemaUnquoted(string sql, string schema)
    {
        SessionState state = States.Of(sql);

        Assert.Equal(schema, state.Schema);
        Assert.Empty(state.Settings);
    }

    [Fact]
    public void With_UseSameSchema_SameInstance()
    {
        SessionState state = States.Of("USE shop");

        Assert.Same(state, States.After(state, "USE `shop`"));
    }

    [Fact]
    public void WithSchema_Different_NewStateKeepsSettings()
    {
        SessionState state = States.Of("SET sql_mode = ''");

        SessionState moved = state.WithSchema("shop");

        Assert.Equal("shop", moved.Schema);
        Assert.Same(state.Settings[0], moved.Settings[0]);
        Assert.Null(state.Schema);
    }

    [Fact]
    public void WithSchema_Same_SameInstance()
    {
        SessionState state = SessionState.Empty.WithSchema("shop");

        Assert.Same(state, state.WithSchema("shop"));
        Assert.Same(SessionState.Empty, SessionState.Empty.WithSchema(null));
    }

    [Fact]
    public void With_DoesNotChangeOriginal_Immutable()
    {
        SessionState original = States.Of("SET sql_mode = 'ANSI'");

        States.After(original, "SET sql_mode = '', time_zone = 'UTC'", "USE shop");

        Assert.Equal(["SystemVariable:sql_mode='ANSI'"], States.Describe(original));
        Assert.Null(original.Schema);
    }
}
