namespace Switchyard.Routing.Classification;

/// <summary>The kinds of token the classifier needs to tell apart; everything else is an <see cref="Operator"/>.</summary>
internal enum SqlTokenKind : byte
{
    /// <summary>No token (the default value): used for "no previous token".</summary>
    None = 0,

    /// <summary>End of the statement (after a <c>;</c>) or of the input.</summary>
    End,

    /// <summary>An unquoted identifier or keyword; keywords are told apart by text, case-insensitively.</summary>
    Word,

    /// <summary>A `backtick` quoted identifier: never a keyword.</summary>
    QuotedIdentifier,

    /// <summary>A 'single-quoted' string literal.</summary>
    String,

    /// <summary>A "double-quoted" string, or an identifier under ANSI_QUOTES; the classifier treats it as either.</summary>
    DoubleQuotedString,

    /// <summary>A numeric literal (a digit-led run of identifier bytes).</summary>
    Number,

    /// <summary>A user variable such as <c>@a</c> or <c>@'a b'</c>.</summary>
    UserVariable,

    /// <summary>A system variable such as <c>@@sql_mode</c> or <c>@@session.time_zone</c>.</summary>
    SystemVariable,

    /// <summary><c>(</c></summary>
    LeftParen,

    /// <summary><c>)</c></summary>
    RightParen,

    /// <summary><c>,</c></summary>
    Comma,

    /// <summary><c>.</c></summary>
    Dot,

    /// <summary><c>;</c>, which ends a statement of a multi-statement.</summary>
    Semicolon,

    /// <summary><c>:=</c>, the assignment operator (assigns a user variable inside SELECT).</summary>
    ColonEquals,

    /// <summary>Any other single byte of punctuation (<c>=</c>, <c>*</c>, <c>?</c>, ...).</summary>
    Operator,
}
