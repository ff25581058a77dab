using System.Text;
using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Sessions;

/// <summary>
/// The SQL that moves a backend connection from one session state to another, run before a client's
/// statement on a connection last used with different state. Every form was checked against MariaDB 10.11.
/// </summary>
/// <remarks>
/// <para>At most three statements, in this order:</para>
/// <list type="number">
/// <item><c>SET NAMES x, SESSION a = v, SESSION b = DEFAULT</c>: the character set first (NAMES and
/// CHARACTER SET may lead a SET list), because it resets the character-set variables that follow it.</item>
/// <item><c>SET SESSION TRANSACTION ISOLATION LEVEL ..., READ ONLY</c>: the server accepts no other item in
/// the same SET after it, so it stands alone. Removed characteristics are reset in statement 1 instead, with
/// <c>SESSION tx_isolation = DEFAULT</c> / <c>SESSION tx_read_only = DEFAULT</c>.</item>
/// <item><c>SET ROLE r</c> or <c>SET ROLE NONE</c>.</item>
/// </list>
/// <para>Values are replayed as the client wrote them (<see cref="SessionAssignment.ValueText"/>). The schema
/// is not SQL: when <see cref="SchemaDiffers"/>, the caller sends COM_INIT_DB.</para>
/// </remarks>
internal static class SessionStateDiff
{
    /// <summary>
    /// The statements that give a connection in state <paramref name="from"/> the state <paramref name="to"/>
    /// (apart from the schema); empty, without allocating, when nothing differs.
    /// </summary>
    /// <param name="defaultCharset">The character set a connection has when no SET NAMES / CHARACTER SET was
    /// made (the one the proxy's backend connections negotiate at handshake, e.g. utf8mb4): restored with
    /// <c>SET NAMES</c> when <paramref name="from"/> has a character set and <paramref name="to"/> has none.</param>
    public static IReadOnlyList<string> Statements(SessionState from, SessionState to, string defaultCharset)
    {
        if (ReferenceEquals(from, to) || (from.Settings.Count == 0 && to.Settings.Count == 0))
        {
            return Array.Empty<string>();
        }

        SessionAssignment? fromCharset = from.Find(SessionSettingKey.Charset);
        SessionAssignment? toCharset = to.Find(SessionSettingKey.Charset);
        bool charsetChanges = !SameSetting(fromCharset, toCharset) || LosesCharsetVariable(from, to);

        var items = new List<string>();
        if (charsetChanges)
        {
            items.Add(toCharset is null ? "NAMES " + defaultCharset : CharsetItem(toCharset));
        }

        AddResets(from, to, charsetChanges, items);
        AddVariableSets(from, to, charsetChanges, items);

        var statements = new List<string>(3);
        if (items.Count > 0)
        {
            statements.Add("SET " + string.Join(", ", items));
        }

        if (TransactionStatement(from, to) is { } transaction)
        {
            statements.Add(transaction);
        }

        SessionAssignment? fromRole = from.Find(SessionSettingKey.Role);
        SessionAssignment? toRole = to.Find(SessionSettingKey.Role);
        if (!SameSetting(fromRole, toRole))
        {
            statements.Add("SET ROLE " + (toRole?.ValueText ?? "NONE"));
        }

        return statements.Count == 0 ? Array.Empty<string>() : statements;
    }

    /// <summary>True when the caller must send COM_INIT_DB with <c>to.Schema</c> (schema changes are not SQL).</summary>
    public static bool SchemaDiffers(SessionState from, SessionState to) =>
        !string.Equals(from.Schema, to.Schema, StringComparison.Ordinal);

    // Settings in "from" that "to" lacks go back to the server default. Character-set variables need no reset
    // when the character set is replayed: SET NAMES resets them, to what "to" has, which DEFAULT would not.
    private static void AddResets(SessionState from, SessionState to, bool charsetChanges, List<string> items)
    {
        foreach (SessionAssignment setting in from.Settings)
        {
            var key = SessionSettingKey.Of(setting)!.Value;
            if (key.Kind is SessionSettingKind.Charset or SessionSettingKind.Role || to.Find(key) is not null)
            {
                continue;
            }

            if (key.Kind == SessionSettingKind.Variable && charsetChanges && SessionState.IsCharsetVariable(key.Name))
            {
                continue;
            }

            string name = setting.Kind == SessionAssignmentKind.SystemVariable
                ? setting.Name
                : key.Kind == SessionSettingKind.Isolation ? "tx_isolation" : "tx_read_only";
            items.Add("SESSION " + VariableName(name) + " = DEFAULT");
        }
    }

    // Variables in "to" that "from" lacks or has with another value, in the order they were set; after a
    // replayed character set, every character-set variable of "to" again, since SET NAMES just reset it.
    private static void AddVariableSets(SessionState from, SessionState to, bool charsetChanges, List<string> items)
    {
        foreach (SessionAssignment setting in to.Settings)
        {
            if (setting.Kind != SessionAssignmentKind.SystemVariable)
            {
                continue;
            }

            var key = SessionSettingKey.Of(setting)!.Value;
            bool replayedByCharset = charsetChanges && key.Kind == SessionSettingKind.Variable && SessionState.IsCharsetVariable(key.Name);
            if (replayedByCharset || !SameSetting(from.Find(key), setting))
            {
                items.Add("SESSION " + VariableName(setting.Name) + " = " + setting.ValueText);
            }
        }
    }

    // SET SESSION TRANSACTION for characteristics "to" has in that form and "from" lacks or has otherwise.
    private static string? TransactionStatement(SessionState from, SessionState to)
    {
        StringBuilder? text = null;
        foreach (SessionAssignment setting in to.Settings)
        {
            if (setting.Kind != SessionAssignmentKind.TransactionCharacteristic
                || SameSetting(from.Find(SessionSettingKey.Of(setting)!.Value), setting))
            {
                continue;
            }

            text = text is null ? new StringBuilder("SET SESSION TRANSACTION ") : text.Append(", ");
            text.Append(setting.ValueText);
        }

        return text?.ToString();
    }

    private static bool LosesCharsetVariable(SessionState from, SessionState to)
    {
        foreach (SessionAssignment setting in from.Settings)
        {
            if (setting.Kind == SessionAssignmentKind.SystemVariable && SessionState.IsCharsetVariable(setting.Name)
                && to.Find(new SessionSettingKey(SessionSettingKind.Variable, setting.Name)) is null)
            {
                return true;
            }
        }

        return false;
    }

    private static string CharsetItem(SessionAssignment charset) =>
        (charset.Kind == SessionAssignmentKind.Names ? "NAMES " : "CHARACTER SET ") + charset.ValueText;

    private static bool SameSetting(SessionAssignment? a, SessionAssignment? b) =>
        ReferenceEquals(a, b)
        || (a is not null && b is not null && a.Kind == b.Kind && string.Equals(a.ValueText, b.ValueText, StringComparison.Ordinal));

    // Names come from the parser lower-cased and unquoted; quote any that is not a plain identifier.
    private static string VariableName(string name)
    {
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$'))
            {
                return "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
            }
        }

        return name;
    }
}
