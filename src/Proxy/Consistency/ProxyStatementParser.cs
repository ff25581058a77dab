using System.Text;

namespace Switchyard.Proxy.Consistency;

/// <summary>
/// Recognises the statements the proxy answers itself: <c>SET @@switchyard.consistency = 'strong'</c> (also
/// <c>@@session.switchyard.…</c>, several assignments separated by commas, <c>DEFAULT</c>) and
/// <c>SELECT @@switchyard.consistency, @@switchyard.user_id, @@last_gtid</c>. The classifier runs on every statement,
/// so <see cref="MayConcern"/> is one vectorised search for "@@" and a few compares at each hit; only statements
/// that name a proxy variable are parsed (and allocate).
/// </summary>
internal static class ProxyStatementParser
{
    private static ReadOnlySpan<byte> Prefix => "switchyard."u8;
    private static ReadOnlySpan<byte> Session => "session."u8;
    private static ReadOnlySpan<byte> LastGtid => "last_gtid"u8;

    /// <summary>What a statement's text names, found cheaply.</summary>
    [Flags]
    public enum Mentions : byte
    {
        None = 0,
        /// <summary>An @@switchyard.* variable.</summary>
        Switchyard = 1,
        /// <summary>@@last_gtid: the session's own last write, which a pooled backend connection does not know.</summary>
        LastGtid = 2,
    }

    public static Mentions MayConcern(ReadOnlySpan<byte> sql)
    {
        var found = Mentions.None;
        var at = sql.IndexOf("@@"u8);
        while (at >= 0)
        {
            var rest = sql[(at + 2)..];
            if (StartsWithIgnoreCase(rest, Session))
                rest = rest[Session.Length..];
            if (StartsWithIgnoreCase(rest, Prefix))
                found |= Mentions.Switchyard;
            else if (StartsWithIgnoreCase(rest, LastGtid) && (rest.Length == LastGtid.Length || !IsNamePart(rest[LastGtid.Length])))
                found |= Mentions.LastGtid;
            var next = rest.IndexOf("@@"u8);
            at = next < 0 ? -1 : sql.Length - rest.Length + next;
        }
        return found;
    }

    /// <summary>Parses a statement that <see cref="MayConcern"/> flagged. Null: not a proxy statement (it is
    /// forwarded; e.g. a SELECT that uses @@last_gtid in an expression).</summary>
    public static ProxyStatement? Parse(ReadOnlySpan<byte> sql)
    {
        var lexer = new Lexer(sql);
        var keyword = lexer.Word();
        if (keyword.Equals("SET", StringComparison.OrdinalIgnoreCase))
            return ParseSet(ref lexer);
        if (keyword.Equals("SELECT", StringComparison.OrdinalIgnoreCase))
            return ParseSelect(ref lexer);
        return Unsupported(sql);
    }

    private static ProxyStatement? ParseSet(ref Lexer lexer)
    {
        var variables = new List<ProxyVariable>();
        do
        {
            if (lexer.Variable() is not { } name || !name.StartsWith("switchyard.", StringComparison.Ordinal))
                return new ProxyStatement(ProxyStatementKind.Unsupported, []);
            if (!lexer.Accept(":=") && !lexer.Accept("="))
                return new ProxyStatement(ProxyStatementKind.Unsupported, []);
            if (!lexer.Value(out var value))
                return new ProxyStatement(ProxyStatementKind.Unsupported, []);
            variables.Add(new ProxyVariable(name, value, ""));
        } while (lexer.Accept(","));
        return lexer.AtEnd() ? new ProxyStatement(ProxyStatementKind.Set, variables) : new ProxyStatement(ProxyStatementKind.Unsupported, []);
    }

    private static ProxyStatement? ParseSelect(ref Lexer lexer)
    {
        var variables = new List<ProxyVariable>();
        var mentionsSwitchyard = false;
        do
        {
            var start = lexer.Position;
            if (lexer.Variable() is not { } name || !(name.StartsWith("switchyard.", StringComparison.Ordinal) || name == "last_gtid"))
                return mentionsSwitchyard || lexer.SawSwitchyard ? new ProxyStatement(ProxyStatementKind.Unsupported, []) : null;
            mentionsSwitchyard |= name.StartsWith("switchyard.", StringComparison.Ordinal);
            variables.Add(new ProxyVariable(name, null, lexer.TextFrom(start)));
        } while (lexer.Accept(","));
        if (!lexer.AtEnd())
            return mentionsSwitchyard || lexer.SawSwitchyard ? new ProxyStatement(ProxyStatementKind.Unsupported, []) : null;
        return new ProxyStatement(ProxyStatementKind.Select, variables);
    }

    private static ProxyStatement? Unsupported(ReadOnlySpan<byte> sql) =>
        MayConcern(sql).HasFlag(Mentions.Switchyard) ? new ProxyStatement(ProxyStatementKind.Unsupported, []) : null;

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerPrefix)
    {
        if (text.Length < lowerPrefix.Length)
            return false;
        for (var i = 0; i < lowerPrefix.Length; i++)
        {
            if ((text[i] | 0x20) != lowerPrefix[i] && text[i] != lowerPrefix[i])
                return false;
        }
        return true;
    }

    private static bool IsNamePart(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or (byte)'$' or >= 0x80;

    /// <summary>A tiny tokenizer for the few shapes above: words, @@variables, quoted values, punctuation;
    /// whitespace and /* */, --, # comments are skipped.</summary>
    private ref struct Lexer(ReadOnlySpan<byte> sql)
    {
        private readonly ReadOnlySpan<byte> _sql = sql;
        private int _pos;

        public readonly int Position => _pos;
        /// <summary>Some @@switchyard variable was read (a statement that mixes one with other things is refused).</summary>
        public bool SawSwitchyard { get; private set; }

        public readonly string TextFrom(int start) => Encoding.UTF8.GetString(_sql[start.._pos]).Trim();

        private void Skip()
        {
            while (_pos < _sql.Length)
            {
                var b = _sql[_pos];
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    _pos++;
                }
                else if (b == '/' && _pos + 1 < _sql.Length && _sql[_pos + 1] == '*')
                {
                    var end = _sql[(_pos + 2)..].IndexOf("*/"u8);
                    _pos = end < 0 ? _sql.Length : _pos + 2 + end + 2;
                }
                else if (b == '#' || (b == '-' && _pos + 2 < _sql.Length && _sql[_pos + 1] == '-' && _sql[_pos + 2] is (byte)' ' or (byte)'\t'))
                {
                    var end = _sql[_pos..].IndexOf((byte)'\n');
                    _pos = end < 0 ? _sql.Length : _pos + end + 1;
                }
                else
                {
                    return;
                }
            }
        }

        public string Word()
        {
            Skip();
            var start = _pos;
            while (_pos < _sql.Length && IsNamePart(_sql[_pos]))
                _pos++;
            return Encoding.UTF8.GetString(_sql[start.._pos]);
        }

        /// <summary>@@[session.]name[.name], lower-cased without the @@ and session. parts; null if not one.</summary>
        public string? Variable()
        {
            Skip();
            if (!_sql[_pos..].StartsWith("@@"u8))
                return null;
            _pos += 2;
            var start = _pos;
            while (_pos < _sql.Length && (IsNamePart(_sql[_pos]) || _sql[_pos] == '.'))
                _pos++;
            var name = Encoding.UTF8.GetString(_sql[start.._pos]).ToLowerInvariant();
            if (name.StartsWith("session.", StringComparison.Ordinal))
                name = name["session.".Length..];
            if (name.StartsWith("switchyard.", StringComparison.Ordinal))
                SawSwitchyard = true;
            return name.Length == 0 ? null : name;
        }

        public bool Accept(string punctuation)
        {
            Skip();
            var bytes = Encoding.ASCII.GetBytes(punctuation);
            if (!_sql[_pos..].StartsWith(bytes))
                return false;
            _pos += bytes.Length;
            return true;
        }

        /// <summary>'text', "text", a bare word or number; DEFAULT and NULL give null.</summary>
        public bool Value(out string? value)
        {
            Skip();
            value = null;
            if (_pos >= _sql.Length)
                return false;
            var quote = _sql[_pos];
            if (quote is (byte)'\'' or (byte)'"')
            {
                var text = new List<byte>();
                _pos++;
                while (_pos < _sql.Length)
                {
                    var b = _sql[_pos++];
                    if (b == quote)
                    {
                        if (_pos < _sql.Length && _sql[_pos] == quote)
                        {
                            text.Add(quote);
                            _pos++;
                            continue;
                        }
                        value = Encoding.UTF8.GetString(text.ToArray());
                        return true;
                    }
                    if (b == '\\' && _pos < _sql.Length)
                        b = _sql[_pos++];
                    text.Add(b);
                }
                return false;
            }
            var start = _pos;
            while (_pos < _sql.Length && (IsNamePart(_sql[_pos]) || _sql[_pos] is (byte)'.' or (byte)'-' or (byte)'='))
                _pos++;
            if (_pos == start)
                return false;
            var word = Encoding.UTF8.GetString(_sql[start.._pos]);
            value = word.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase) || word.Equals("NULL", StringComparison.OrdinalIgnoreCase) ? null : word;
            return true;
        }

        public bool AtEnd()
        {
            Skip();
            while (_pos < _sql.Length && _sql[_pos] == ';')
            {
                _pos++;
                Skip();
            }
            return _pos >= _sql.Length;
        }
    }
}
