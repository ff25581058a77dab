namespace Switchyard.Routing.Classification;

/// <summary>What a <see cref="SessionAssignment"/> sets, which also says how to replay it.</summary>
internal enum SessionAssignmentKind : byte
{
    /// <summary>A system variable: replay as <c>SET SESSION name = ValueText</c>.</summary>
    SystemVariable,

    /// <summary>A user variable (name without '@'): replay as <c>SET @`name` = ValueText</c>.</summary>
    UserVariable,

    /// <summary>SET NAMES: replay as <c>SET NAMES ValueText</c> (ValueText may include COLLATE).</summary>
    Names,

    /// <summary>SET CHARACTER SET / CHARSET: replay as <c>SET CHARACTER SET ValueText</c>.</summary>
    CharacterSet,

    /// <summary>One transaction characteristic (Name is transaction_isolation or transaction_read_only):
    /// replay as <c>SET [SESSION] TRANSACTION ValueText</c>, which works on MySQL and MariaDB alike.</summary>
    TransactionCharacteristic,

    /// <summary>SET ROLE: replay as <c>SET ROLE ValueText</c>.</summary>
    Role,

    /// <summary>USE: replay as <c>USE ValueText</c>.</summary>
    Database,
}
