using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Sessions;

/// <summary>
/// The session state a client has set that must move with it when its statements run on another backend
/// connection (multiplexing): the schema, session system variables, the character set, session transaction
/// characteristics and the role. Immutable; each change yields a new instance, an unchanged state the same one.
/// </summary>
/// <remarks>
/// Settings are kept in the order they were made, one per <see cref="SessionSettingKey"/>: making a setting
/// again moves it to the end, because order matters where settings overlap (SET NAMES resets
/// character_set_client, character_set_connection, character_set_results and collation_connection, so those
/// variables set before it are dropped, and those set after it must be replayed after it).
/// Not stored: GLOBAL/PERSIST assignments (server state), SET TRANSACTION without SESSION (next transaction
/// only) and user variables (the caller pins the session instead).
/// </remarks>
internal sealed class SessionState
{
    private static readonly string[] CharsetVariables =
        ["character_set_client", "character_set_connection", "character_set_results", "collation_connection"];

    private readonly SessionAssignment[] _settings;

    private SessionState(string? schema, SessionAssignment[] settings)
    {
        Schema = schema;
        _settings = settings;
    }

    /// <summary>A fresh connection's state: no schema, nothing set.</summary>
    public static SessionState Empty { get; } = new(null, []);

    /// <summary>The current schema (unquoted), or null when none was chosen.</summary>
    public string? Schema { get; }

    /// <summary>The settings in the order they were made, each with a distinct <see cref="SessionSettingKey"/>.</summary>
    public IReadOnlyList<SessionAssignment> Settings => _settings;

    /// <summary>True for a state with no schema and no settings.</summary>
    public bool IsEmpty => Schema is null && _settings.Length == 0;

    /// <summary>True when a character-set variable is reset by SET NAMES / SET CHARACTER SET.</summary>
    public static bool IsCharsetVariable(string name) => Array.IndexOf(CharsetVariables, name) >= 0;

    /// <summary>The setting stored under <paramref name="key"/>, or null.</summary>
    public SessionAssignment? Find(SessionSettingKey key)
    {
        int index = IndexOf(_settings, key);
        return index < 0 ? null : _settings[index];
    }

    /// <summary>
    /// Applies the assignments of statements that succeeded, in order. Returns this instance when nothing
    /// movable changed. USE (a <see cref="SessionAssignmentKind.Database"/> assignment) sets the schema;
    /// <c>SET var = DEFAULT</c> removes the variable, since the server default is what a fresh connection has.
    /// </summary>
    public SessionState With(IReadOnlyList<SessionAssignment> assignments)
    {
        List<SessionAssignment>? settings = null;
        string? schema = Schema;
        foreach (SessionAssignment assignment in assignments)
        {
            if (assignment.Scope != SessionVariableScope.Session)
            {
                continue;
            }

            if (assignment.Kind == SessionAssignmentKind.Database)
            {
                schema = Unquote(assignment.ValueText);
                continue;
            }

            if (SessionSettingKey.Of(assignment) is not { } key)
            {
                continue;
            }

            Apply(ref settings, key, assignment);
        }

        if (settings is null)
        {
            return string.Equals(schema, Schema, StringComparison.Ordinal) ? this : new SessionState(schema, _settings);
        }

        return new SessionState(schema, settings.ToArray());
    }

    /// <summary>Returns the state with another schema (from COM_INIT_DB or session tracking), or this one if equal.</summary>
    public SessionState WithSchema(string? schema) =>
        string.Equals(schema, Schema, StringComparison.Ordinal) ? this : new SessionState(schema, _settings);

    private void Apply(ref List<SessionAssignment>? settings, SessionSettingKey key, SessionAssignment assignment)
    {
        IReadOnlyList<SessionAssignment> current = settings ?? (IReadOnlyList<SessionAssignment>)_settings;
        int index = IndexOf(current, key);
        // "SET v = DEFAULT" and "SET ROLE NONE" restore what a fresh connection has: nothing to store.
        bool isDefault = assignment.Kind switch
        {
            SessionAssignmentKind.SystemVariable => string.Equals(assignment.ValueText, "DEFAULT", StringComparison.OrdinalIgnoreCase),
            SessionAssignmentKind.Role => string.Equals(assignment.ValueText, "NONE", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

        if (key.Kind == SessionSettingKind.Charset)
        {
            // The server resets these whatever they were, even when the character set itself is unchanged.
            foreach (string name in CharsetVariables)
            {
                int variable = IndexOf(current, new SessionSettingKey(SessionSettingKind.Variable, name));
                if (variable >= 0)
                {
                    settings ??= [.. _settings];
                    settings.RemoveAt(variable);
                    current = settings;
                }
            }

            index = IndexOf(current, key);
        }

        bool same = index >= 0 && current[index].Kind == assignment.Kind
                    && string.Equals(current[index].ValueText, assignment.ValueText, StringComparison.Ordinal);
        if (same || (index < 0 && isDefault))
        {
            return;
        }

        settings ??= [.. _settings];
        if (index >= 0)
        {
            settings.RemoveAt(index);
        }

        if (!isDefault)
        {
            settings.Add(assignment);
        }
    }

    private static int IndexOf(IReadOnlyList<SessionAssignment> settings, SessionSettingKey key)
    {
        for (int i = 0; i < settings.Count; i++)
        {
            if (SessionSettingKey.Of(settings[i]) == key)
            {
                return i;
            }
        }

        return -1;
    }

    // USE `my db` → my db; `a``b` → a`b. Unquoted names are kept as written.
    private static string Unquote(string name)
    {
        if (name.Length >= 2 && name[0] is '`' or '"' && name[^1] == name[0])
        {
            string quote = name[0].ToString();
            return name[1..^1].Replace(quote + quote, quote, StringComparison.Ordinal);
        }

        return name;
    }
}
