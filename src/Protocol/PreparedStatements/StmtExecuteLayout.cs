namespace Switchyard.Protocol.PreparedStatements;

/// <summary>Where the parts of one COM_STMT_EXECUTE payload are, as found by
/// <see cref="StmtExecuteRequest.TryParse"/>. Offsets are from the start of the payload (the 0x17 byte).</summary>
/// See https://mariadb.com/kb/en/com_stmt_execute/
public readonly record struct StmtExecuteLayout
{
    public uint StatementId { get; init; }

    /// <summary>The whole flags byte as the client sent it.</summary>
    public byte Flags { get; init; }

    /// <summary>The cursor bits of <see cref="Flags"/>; other bits (MySQL's PARAMETER_COUNT_AVAILABLE) masked off.</summary>
    public CursorType CursorFlags => (CursorType)(Flags & StmtExecuteRequest.CursorMask);

    /// <summary>Always 1 from real clients (MariaDB's array binding uses COM_STMT_BULK_EXECUTE instead).</summary>
    public uint IterationCount { get; init; }

    /// <summary>The parameter count the payload was parsed with (from the statement's PREPARE_OK).</summary>
    public int ParameterCount { get; init; }

    /// <summary>(ParameterCount + 7) / 8 bytes at <see cref="StmtExecuteRequest.NullBitmapOffset"/>; 0 without parameters.</summary>
    public int NullBitmapLength { get; init; }

    /// <summary>True when the client sent parameter types with this execute (new_params_bound_flag = 1).
    /// Always false without parameters: then the payload has no flag byte at all.</summary>
    public bool NewParamsBound { get; init; }

    /// <summary>Where the types are (2 bytes per parameter: field type, then 0x80 for unsigned), or where they would
    /// go (right after the new_params_bound_flag) when the client did not send them.</summary>
    public int TypesOffset { get; init; }

    /// <summary>2 × ParameterCount when <see cref="NewParamsBound"/>, otherwise 0.</summary>
    public int TypesLength { get; init; }

    /// <summary>Where the binary values of the non-NULL parameters start; they run to the end of the payload.</summary>
    public int ValuesOffset { get; init; }
}
