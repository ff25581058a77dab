using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Sessions;

/// <summary>The key of one entry of a <see cref="SessionState"/>: a setting made again replaces the earlier one.</summary>
/// <param name="Kind">What is set.</param>
/// <param name="Name">The variable name for <see cref="SessionSettingKind.Variable"/>, otherwise empty.</param>
internal readonly record struct SessionSettingKey(SessionSettingKind Kind, string Name)
{
    /// <summary>The key of SET NAMES and SET CHARACTER SET.</summary>
    public static SessionSettingKey Charset { get; } = new(SessionSettingKind.Charset, "");

    /// <summary>The key of the session isolation level.</summary>
    public static SessionSettingKey Isolation { get; } = new(SessionSettingKind.Isolation, "");

    /// <summary>The key of the session transaction access mode.</summary>
    public static SessionSettingKey ReadOnly { get; } = new(SessionSettingKind.ReadOnly, "");

    /// <summary>The key of SET ROLE.</summary>
    public static SessionSettingKey Role { get; } = new(SessionSettingKind.Role, "");

    /// <summary>
    /// The key under which a session-scope assignment is stored, or null when it is not movable state:
    /// user variables (they pin the session instead) and USE (the schema is kept apart).
    /// </summary>
    public static SessionSettingKey? Of(SessionAssignment assignment) => assignment.Kind switch
    {
        SessionAssignmentKind.SystemVariable => assignment.Name switch
        {
            "tx_isolation" or "transaction_isolation" => Isolation,
            "tx_read_only" or "transaction_read_only" => ReadOnly,
            _ => new SessionSettingKey(SessionSettingKind.Variable, assignment.Name),
        },
        SessionAssignmentKind.Names or SessionAssignmentKind.CharacterSet => Charset,
        SessionAssignmentKind.TransactionCharacteristic =>
            assignment.Name == "transaction_isolation" ? Isolation : ReadOnly,
        SessionAssignmentKind.Role => Role,
        _ => null,
    };
}
