using System.Text;

namespace Switchyard.Routing.Classification;

/// <summary>
/// A comment- and quote-aware tokenizer for MySQL/MariaDB SQL over UTF-8 bytes. It exists so the
/// classifier is never fooled by a keyword inside a string, identifier or comment, and it allocates
/// nothing.
/// </summary>
/// <remarks>
/// <para>Whitespace, <c>-- </c> and <c>#</c> line comments, <c>/* */</c> block comments and optimizer hints
/// (<c>/*+ */</c>) are skipped. Executable comments (<c>/*! */</c>, <c>/*!50100 */</c>, MariaDB
/// <c>/*M! */</c>) are lexed as code whatever their version number, because the server may run them and
/// treating their content as code is the conservative reading.</para>
/// <para>A <c>;</c> ends a statement: the lexer returns it once and then only <see cref="SqlTokenKind.End"/>
/// until <see cref="BeginNextStatement"/>, so code that reads one statement cannot run into the next.</para>
/// <para>An unterminated string, quoted identifier or comment sets <see cref="IsIncomplete"/>: the text was
/// probably truncated, and whatever follows cannot be seen.</para>
/// </remarks>
internal ref struct SqlLexer
{
    // Bytes that may continue an unquoted identifier; every byte of a multi-byte UTF-8 character is >= 0x80. A table
    // and a plain loop: words are short, and a vectorised search costs more to set up than it saves on them.
    private static readonly bool[] IdentifierBytes = BuildIdentifierBytes();

    private readonly ReadOnlySpan<byte> _sql;
    private readonly bool _backslashEscapes;
    private int _position;
    private bool _inExecutableComment;
    private bool _statementEnded;

    /// <param name="sql">UTF-8 SQL text, possibly several statements separated by <c>;</c>.</param>
    /// <param name="backslashEscapes">False when the session runs with NO_BACKSLASH_ESCAPES, where <c>\</c>
    /// inside a string is an ordinary character.</param>
    public SqlLexer(ReadOnlySpan<byte> sql, bool backslashEscapes = true)
    {
        _sql = sql;
        _backslashEscapes = backslashEscapes;
    }

    /// <summary>The offset of the next byte to lex.</summary>
    public readonly int Position => _position;

    /// <summary>True once a string, quoted identifier or comment ran to the end of the input unterminated.</summary>
    public bool IsIncomplete { get; private set; }

    /// <summary>The text of a token lexed from this lexer.</summary>
    public readonly ReadOnlySpan<byte> TextOf(SqlToken token) => _sql.Slice(token.Start, token.Length);

    /// <summary>True when the token is the unquoted word <paramref name="upperKeyword"/>, ignoring case.</summary>
    public readonly bool IsWord(SqlToken token, ReadOnlySpan<byte> upperKeyword) =>
        token.Kind == SqlTokenKind.Word
        && token.Length == upperKeyword.Length
        && Ascii.EqualsIgnoreCase(_sql.Slice(token.Start, token.Length), upperKeyword);

    /// <summary>Returns the next token, or <see cref="SqlTokenKind.End"/> at the end of the statement.</summary>
    public SqlToken Next()
    {
        if (_statementEnded)
        {
            return new SqlToken(SqlTokenKind.End, _position, 0);
        }

        SkipTrivia();
        int start = _position;
        if (start >= _sql.Length)
        {
            if (_inExecutableComment)
            {
                // "/*!" without its "*/": the server would reject it, but we may only have seen a prefix.
                IsIncomplete = true;
                _inExecutableComment = false;
            }

            return new SqlToken(SqlTokenKind.End, start, 0);
        }

        byte c = _sql[start];
        switch (c)
        {
            case (byte)'\'':
                ReadQuoted(c, allowBackslash: true);
                return Token(SqlTokenKind.String, start);
            case (byte)'"':
                ReadQuoted(c, allowBackslash: true);
                return Token(SqlTokenKind.DoubleQuotedString, start);
            case (byte)'`':
                ReadQuoted(c, allowBackslash: false);
                return Token(SqlTokenKind.QuotedIdentifier, start);
            case (byte)'@':
                return ReadVariable(start);
            case (byte)'(':
                _position++;
                return Token(SqlTokenKind.LeftParen, start);
            case (byte)')':
                _position++;
                return Token(SqlTokenKind.RightParen, start);
            case (byte)',':
                _position++;
                return Token(SqlTokenKind.Comma, start);
            case (byte)'.':
                _position++;
                return Token(SqlTokenKind.Dot, start);
            case (byte)';':
                _position++;
                _statementEnded = true;
                return Token(SqlTokenKind.Semicolon, start);
            case (byte)':' when start + 1 < _sql.Length && _sql[start + 1] == (byte)'=':
                _position += 2;
                return Token(SqlTokenKind.ColonEquals, start);
        }

        if (IsIdentifierByte(c))
        {
            SkipIdentifierBytes();
            return Token(c is >= (byte)'0' and <= (byte)'9' ? SqlTokenKind.Number : SqlTokenKind.Word, start);
        }

        _position++;
        return Token(SqlTokenKind.Operator, start);
    }

    /// <summary>
    /// Moves past the <c>;</c> that ended the current statement so <see cref="Next"/> lexes the next one.
    /// Returns false when no input is left.
    /// </summary>
    public bool BeginNextStatement()
    {
        _statementEnded = false;
        return _position < _sql.Length;
    }

    /// <summary>Consumes the rest of the current statement.</summary>
    public void SkipToStatementEnd()
    {
        while (!Next().IsEnd)
        {
        }
    }

    private static bool IsIdentifierByte(byte b) => IdentifierBytes[b];

    private readonly SqlToken Token(SqlTokenKind kind, int start) => new(kind, start, _position - start);

    private void SkipTrivia()
    {
        ReadOnlySpan<byte> sql = _sql;
        while (_position < sql.Length)
        {
            byte c = sql[_position];
            switch (c)
            {
                case (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v':
                    _position++;
                    continue;
                case (byte)'#':
                    SkipLine();
                    continue;
                case (byte)'-' when _position + 1 < sql.Length && sql[_position + 1] == (byte)'-'
                                    && (_position + 2 >= sql.Length || sql[_position + 2] <= (byte)' '):
                    // MySQL needs whitespace or a control character after "--"; "1--1" is arithmetic.
                    SkipLine();
                    continue;
                case (byte)'/' when _position + 1 < sql.Length && sql[_position + 1] == (byte)'*':
                    SkipBlockCommentOrEnterExecutable();
                    continue;
                case (byte)'*' when _inExecutableComment && _position + 1 < sql.Length && sql[_position + 1] == (byte)'/':
                    _position += 2;
                    _inExecutableComment = false;
                    continue;
            }

            return;
        }
    }

    private void SkipLine()
    {
        int newline = _sql.Slice(_position).IndexOf((byte)'\n');
        _position = newline < 0 ? _sql.Length : _position + newline + 1;
    }

    private void SkipBlockCommentOrEnterExecutable()
    {
        ReadOnlySpan<byte> sql = _sql;
        int afterOpen = _position + 2;
        int bang = afterOpen;
        if (bang < sql.Length && sql[bang] == (byte)'M' && bang + 1 < sql.Length && sql[bang + 1] == (byte)'!')
        {
            bang++;
        }

        if (bang < sql.Length && sql[bang] == (byte)'!')
        {
            // Executable comment: its content is code. Skip the optional version number (5 digits for
            // MySQL, 6 for MariaDB 10+).
            _position = bang + 1;
            int digits = 0;
            while (_position < sql.Length && digits < 6 && sql[_position] is >= (byte)'0' and <= (byte)'9')
            {
                _position++;
                digits++;
            }

            _inExecutableComment = true;
            return;
        }

        int close = sql.Slice(afterOpen).IndexOf("*/"u8);
        if (close < 0)
        {
            IsIncomplete = true;
            _position = sql.Length;
            return;
        }

        _position = afterOpen + close + 2;
    }

    private void ReadQuoted(byte quote, bool allowBackslash)
    {
        ReadOnlySpan<byte> sql = _sql;
        bool backslash = allowBackslash && _backslashEscapes;
        int position = _position + 1;
        while (position < sql.Length)
        {
            ReadOnlySpan<byte> rest = sql.Slice(position);
            int hit = backslash ? rest.IndexOfAny(quote, (byte)'\\') : rest.IndexOf(quote);
            if (hit < 0)
            {
                break;
            }

            position += hit;
            if (sql[position] == (byte)'\\')
            {
                position += 2;
                continue;
            }

            // A doubled quote is an escaped quote, not the end.
            if (position + 1 < sql.Length && sql[position + 1] == quote)
            {
                position += 2;
                continue;
            }

            _position = position + 1;
            return;
        }

        IsIncomplete = true;
        _position = sql.Length;
    }

    private SqlToken ReadVariable(int start)
    {
        ReadOnlySpan<byte> sql = _sql;
        _position = start + 1;
        if (_position < sql.Length && sql[_position] == (byte)'@')
        {
            // @@name, @@session.name, @@global.name ...
            _position++;
            SkipIdentifierBytes();
            if (_position + 1 < sql.Length && sql[_position] == (byte)'.' && IsIdentifierByte(sql[_position + 1]))
            {
                _position++;
                SkipIdentifierBytes();
            }

            return Token(SqlTokenKind.SystemVariable, start);
        }

        if (_position < sql.Length && sql[_position] is (byte)'\'' or (byte)'"' or (byte)'`')
        {
            byte quote = sql[_position];
            ReadQuoted(quote, allowBackslash: quote != (byte)'`');
            return Token(SqlTokenKind.UserVariable, start);
        }

        // User variable names may also contain '.'.
        while (_position < sql.Length && (IsIdentifierByte(sql[_position]) || sql[_position] == (byte)'.'))
        {
            _position++;
        }

        return Token(SqlTokenKind.UserVariable, start);
    }

    private void SkipIdentifierBytes()
    {
        ReadOnlySpan<byte> sql = _sql;
        bool[] identifierBytes = IdentifierBytes;
        int position = _position;
        while (position < sql.Length && identifierBytes[sql[position]])
        {
            position++;
        }

        _position = position;
    }

    private static bool[] BuildIdentifierBytes()
    {
        var table = new bool[256];
        for (int b = 0; b < 256; b++)
        {
            table[b] = b is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '$' or >= 0x80;
        }

        return table;
    }
}
