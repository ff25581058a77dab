using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Tests.Classification;

public sealed class SessionStateParserTests
{
    private const SessionAssignmentKind Variable = SessionAssignmentKind.SystemVariable;
    private const SessionVariableScope Session = SessionVariableScope.Session;
    private const SessionVariableScope Global = SessionVariableScope.Global;

    [Theory]
    [InlineData("SET SESSION sql_mode = 'ANSI'")]
    [InlineData("SET LOCAL sql_mode = 'ANSI'")]
    [InlineData("SET sql_mode='ANSI'")]
    [InlineData("SET @@sql_mode = 'ANSI'")]
    [InlineData("SET @@session.sql_mode = 'ANSI'")]
    [InlineData("SET @@SESSION.SQL_MODE = 'ANSI'")]
    [InlineData("SET @@local.sql_mode := 'ANSI'")]
    [InlineData("set `sql_mode` = 'ANSI'")]
    [InlineData("/*!40101 SET sql_mode = 'ANSI' */")]
    public void Parse_SessionSystemVariable_NormalizedNameAndValueAsWritten(string sql)
    {
        AssertParsed(sql, new SessionAssignment(Variable, Session, "sql_mode", "'ANSI'"));
    }

    [Fact]
    public void Parse_ValueExpression_KeptVerbatimWithCommasInsideParentheses()
    {
        AssertParsed(
            "SET sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE') , time_zone = '+00:00'",
            new SessionAssignment(Variable, Session, "sql_mode", "CONCAT(@@sql_mode, ',NO_ZERO_DATE')"),
            new SessionAssignment(Variable, Session, "time_zone", "'+00:00'"));
    }

    [Fact]
    public void Parse_DefaultValue_KeptAsDefault()
    {
        AssertParsed("SET SESSION sql_select_limit = DEFAULT", new SessionAssignment(Variable, Session, "sql_select_limit", "DEFAULT"));
    }

    [Fact]
    public void Parse_MultipleCommaAssignments_EachWithItsOwnKindAndScope()
    {
        AssertParsed(
            "SET @a = 1, @@session.wait_timeout = 10, SESSION net_read_timeout = 30, autocommit = 0",
            new SessionAssignment(SessionAssignmentKind.UserVariable, Session, "a", "1"),
            new SessionAssignment(Variable, Session, "wait_timeout", "10"),
            new SessionAssignment(Variable, Session, "net_read_timeout", "30"),
            new SessionAssignment(Variable, Session, "autocommit", "0"));
    }

    [Fact]
    public void Parse_GlobalKeyword_CarriesOverToFollowingAssignments()
    {
        AssertParsed(
            "SET GLOBAL a = 1, b = 2, SESSION c = 3",
            new SessionAssignment(Variable, Global, "a", "1"),
            new SessionAssignment(Variable, Global, "b", "2"),
            new SessionAssignment(Variable, Session, "c", "3"));
    }

    [Theory]
    [InlineData("SET GLOBAL max_connections = 10")]
    [InlineData("SET @@global.max_connections = 10")]
    [InlineData("SET PERSIST max_connections = 10")]
    [InlineData("SET @@persist_only.max_connections = 10")]
    public void Parse_GlobalAssignment_GlobalScope(string sql)
    {
        AssertParsed(sql, new SessionAssignment(Variable, Global, "max_connections", "10"));
    }

    [Fact]
    public void Parse_GlobalVariableAfterSessionOne_OnlyThatOneGlobal()
    {
        AssertParsed(
            "SET sql_mode = '', @@global.max_connections = 10",
            new SessionAssignment(Variable, Session, "sql_mode", "''"),
            new SessionAssignment(Variable, Global, "max_connections", "10"));
    }

    [Theory]
    [InlineData("SET @user := 5", "user", "5")]
    [InlineData("SET @user = 5", "user", "5")]
    [InlineData("SET @`My Var` = 'a,b'", "my var", "'a,b'")]
    [InlineData("SET @'q' = (SELECT COUNT(*) FROM t)", "q", "(SELECT COUNT(*) FROM t)")]
    public void Parse_UserVariable_UserVariableKindWithSessionScope(string sql, string name, string value)
    {
        AssertParsed(sql, new SessionAssignment(SessionAssignmentKind.UserVariable, Session, name, value));
    }

    [Theory]
    [InlineData("SET NAMES utf8mb4", "utf8mb4")]
    [InlineData("SET NAMES 'utf8mb4'", "'utf8mb4'")]
    [InlineData("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci", "utf8mb4 COLLATE utf8mb4_unicode_ci")]
    [InlineData("SET NAMES utf8mb4 COLLATE 'utf8mb4_bin'", "utf8mb4 COLLATE 'utf8mb4_bin'")]
    [InlineData("SET NAMES DEFAULT", "DEFAULT")]
    [InlineData("/*!40101 SET NAMES utf8 */", "utf8")]
    public void Parse_SetNames_NamesWithCollationKept(string sql, string value)
    {
        AssertParsed(sql, new SessionAssignment(SessionAssignmentKind.Names, Session, "names", value));
    }

    [Theory]
    [InlineData("SET CHARACTER SET latin1", "latin1")]
    [InlineData("SET CHARSET 'utf8mb4'", "'utf8mb4'")]
    [InlineData("set character set DEFAULT", "DEFAULT")]
    public void Parse_SetCharacterSet_CharacterSetKind(string sql, string value)
    {
        AssertParsed(sql, new SessionAssignment(SessionAssignmentKind.CharacterSet, Session, "character_set", value));
    }

    [Fact]
    public void Parse_NamesInAssignmentList_NamesValueEndsAtComma()
    {
        AssertParsed(
            "SET NAMES utf8mb4 COLLATE utf8mb4_bin, SESSION sql_mode = '', @a = 1",
            new SessionAssignment(SessionAssignmentKind.Names, Session, "names", "utf8mb4 COLLATE utf8mb4_bin"),
            new SessionAssignment(Variable, Session, "sql_mode", "''"),
            new SessionAssignment(SessionAssignmentKind.UserVariable, Session, "a", "1"));
    }

    [Fact]
    public void Parse_CharsetItemsAfterVariable_AllInOrder()
    {
        AssertParsed(
            "SET wait_timeout = 7, CHARACTER SET latin1, NAMES utf8mb4",
            new SessionAssignment(Variable, Session, "wait_timeout", "7"),
            new SessionAssignment(SessionAssignmentKind.CharacterSet, Session, "character_set", "latin1"),
            new SessionAssignment(SessionAssignmentKind.Names, Session, "names", "utf8mb4"));
    }

    [Fact]
    public void Parse_SetTransactionWithoutScope_NextTransactionOnly()
    {
        AssertParsed(
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            new SessionAssignment(SessionAssignmentKind.TransactionCharacteristic, SessionVariableScope.NextTransaction,
                "transaction_isolation", "ISOLATION LEVEL READ COMMITTED"));
    }

    [Fact]
    public void Parse_SetSessionTransaction_EachCharacteristicSeparately()
    {
        AssertParsed(
            "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY",
            new SessionAssignment(SessionAssignmentKind.TransactionCharacteristic, Session, "transaction_isolation", "ISOLATION LEVEL SERIALIZABLE"),
            new SessionAssignment(SessionAssignmentKind.TransactionCharacteristic, Session, "transaction_read_only", "READ ONLY"));
    }

    [Fact]
    public void Parse_SetGlobalTransaction_GlobalScope()
    {
        AssertParsed(
            "SET GLOBAL TRANSACTION READ WRITE",
            new SessionAssignment(SessionAssignmentKind.TransactionCharacteristic, Global, "transaction_read_only", "READ WRITE"));
    }

    [Fact]
    public void Parse_TransactionIsolationVariable_SystemVariable()
    {
        AssertParsed(
            "SET @@session.transaction_isolation = 'READ-COMMITTED'",
            new SessionAssignment(Variable, Session, "transaction_isolation", "'READ-COMMITTED'"));
    }

    [Theory]
    [InlineData("USE `my db`", "`my db`")]
    [InlineData("USE db", "db")]
    [InlineData("use db;", "db")]
    public void Parse_Use_DatabaseAsWritten(string sql, string value)
    {
        AssertParsed(sql, new SessionAssignment(SessionAssignmentKind.Database, Session, "database", value));
    }

    [Fact]
    public void Parse_SetRole_RoleKind()
    {
        AssertParsed("SET ROLE r1", new SessionAssignment(SessionAssignmentKind.Role, Session, "role", "r1"));
    }

    [Fact]
    public void Parse_StructuredVariable_DottedName()
    {
        AssertParsed(
            "SET GLOBAL keycache1.key_buffer_size = 128 * 1024",
            new SessionAssignment(Variable, Global, "keycache1.key_buffer_size", "128 * 1024"));
    }

    [Fact]
    public void Parse_MultiStatement_AssignmentsOfEverySetAndUseInOrder()
    {
        AssertParsed(
            "SET NAMES utf8mb4; SELECT 1; USE db; SET autocommit = 1",
            new SessionAssignment(SessionAssignmentKind.Names, Session, "names", "utf8mb4"),
            new SessionAssignment(SessionAssignmentKind.Database, Session, "database", "db"),
            new SessionAssignment(Variable, Session, "autocommit", "1"));
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("SET STATEMENT max_statement_time = 1 FOR SELECT 1")]
    [InlineData("SET PASSWORD = 'x'")]
    [InlineData("SET DEFAULT ROLE r TO u")]
    [InlineData("UPDATE t SET a = 1")]
    [InlineData("SET")]
    [InlineData("")]
    public void Parse_NothingLasting_Empty(string sql)
    {
        Assert.Empty(SessionStateParser.Parse(sql));
    }

    [Fact]
    public void Parse_ValueWithSurroundingComments_CommentsDropped()
    {
        AssertParsed("SET time_zone = /* utc */ '+00:00' -- trailing", new SessionAssignment(Variable, Session, "time_zone", "'+00:00'"));
    }

    private static void AssertParsed(string sql, params SessionAssignment[] expected)
    {
        Assert.Equal(expected, SessionStateParser.Parse(sql));
    }
}
