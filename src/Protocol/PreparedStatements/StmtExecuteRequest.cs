using System.Buffers;
using System.Buffers.Binary;
using Switchyard.Protocol.Commands;

namespace Switchyard.Protocol.PreparedStatements;

/// <summary>
/// Reads the layout of a client's COM_STMT_EXECUTE and rebuilds it for another backend connection.
/// <para>A client binds parameter types once (new_params_bound_flag = 1) and then sends 0 on later executes: the
/// server remembers the types per statement. The proxy prepares a client's statement lazily on whichever backend
/// connection serves the EXECUTE, so that connection may never have seen the types; <see cref="WriteWithTypes(ReadOnlySpan{byte}, in StmtExecuteLayout, ReadOnlySpan{byte}, Span{byte}, uint)"/>
/// re-supplies the types the proxy cached from the client's earlier execute.</para>
/// <para>Layout: 0x17, statement_id u32, flags u8, iteration_count u32, and when the statement has parameters:
/// NULL bitmap ((n + 7) / 8 bytes), new_params_bound_flag u8, [types: 2 bytes × n if the flag is set], values.</para>
/// <para>Not handled: the MySQL 8 variant under CLIENT_QUERY_ATTRIBUTES (a length-encoded parameter_count after the
/// iteration count when flags has PARAMETER_COUNT_AVAILABLE, and a name after each type). The proxy does not
/// advertise CLIENT_QUERY_ATTRIBUTES, so clients do not send it and servers read the classic layout; the
/// PARAMETER_COUNT_AVAILABLE bit is then ignored by the server, and by this parser too.</para>
/// </summary>
/// See https://mariadb.com/kb/en/com_stmt_execute/
/// and https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html
public static class StmtExecuteRequest
{
    public const int StatementIdOffset = StatementIdField.Offset;
    public const int FlagsOffset = 5;
    public const int IterationCountOffset = 6;
    public const int NullBitmapOffset = 10;

    /// <summary>The command byte, id, flags and iteration count: the whole payload of a statement without parameters.</summary>
    public const int FixedLength = NullBitmapOffset;

    /// <summary>The cursor bits of the flags byte.</summary>
    public const byte CursorMask = (byte)(CursorType.ReadOnly | CursorType.ForUpdate | CursorType.Scrollable);

    /// <summary>The most parameters a statement can have: PREPARE_OK carries the count as a u16.</summary>
    public const int MaxParameterCount = ushort.MaxValue;

    /// <summary>
    /// Finds the parts of an EXECUTE payload, given the parameter count of its statement (the client does not send
    /// it). Only the head is read, so the first physical packet of a payload split over several is enough; values
    /// are not validated. False, never an exception, when the payload is not a COM_STMT_EXECUTE, is too short for
    /// its head, or <paramref name="paramCount"/> is out of range.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, int paramCount, out StmtExecuteLayout layout)
    {
        layout = default;
        if (paramCount is < 0 or > MaxParameterCount || payload.Length < FixedLength || payload[0] != (byte)CommandCode.StmtExecute)
            return false;
        var statementId = BinaryPrimitives.ReadUInt32LittleEndian(payload[StatementIdOffset..]);
        var flags = payload[FlagsOffset];
        var iterations = BinaryPrimitives.ReadUInt32LittleEndian(payload[IterationCountOffset..]);
        if (paramCount == 0)
        {
            layout = new StmtExecuteLayout
            {
                StatementId = statementId, Flags = flags, IterationCount = iterations, ParameterCount = 0,
                TypesOffset = FixedLength, ValuesOffset = FixedLength,
            };
            return true;
        }

        var bitmapLength = (paramCount + 7) / 8;
        var boundFlagOffset = NullBitmapOffset + bitmapLength;
        if (payload.Length <= boundFlagOffset)
            return false;
        // Servers treat any non-zero value as "types follow".
        var bound = payload[boundFlagOffset] != 0;
        var typesOffset = boundFlagOffset + 1;
        var typesLength = bound ? paramCount * 2 : 0;
        if (payload.Length < typesOffset + typesLength)
            return false;
        layout = new StmtExecuteLayout
        {
            StatementId = statementId, Flags = flags, IterationCount = iterations, ParameterCount = paramCount,
            NullBitmapLength = bitmapLength, NewParamsBound = bound,
            TypesOffset = typesOffset, TypesLength = typesLength, ValuesOffset = typesOffset + typesLength,
        };
        return true;
    }

    /// <summary>The length of the head <see cref="WriteHeadWithTypes"/> writes: everything up to the values, with
    /// the types included.</summary>
    public static int HeadLengthWithTypes(in StmtExecuteLayout layout) => layout.TypesOffset + layout.ParameterCount * 2;

    /// <summary>The length of the payload <see cref="WriteWithTypes(ReadOnlySpan{byte}, in StmtExecuteLayout, ReadOnlySpan{byte}, Span{byte}, uint)"/>
    /// builds from <paramref name="payload"/>: the original grows by the types when the client did not send them.</summary>
    public static int RequiredLength(ReadOnlySpan<byte> payload, in StmtExecuteLayout layout) =>
        HeadLengthWithTypes(layout) + (payload.Length - layout.ValuesOffset);

    /// <summary>
    /// Builds the EXECUTE payload that a client would have sent with new_params_bound_flag = 1 and
    /// <paramref name="types"/>, under <paramref name="newStatementId"/>; flags, iteration count, NULL bitmap and
    /// values are copied unchanged. Types the client did send are replaced by <paramref name="types"/>. Without
    /// parameters this is a copy with the new id (there is no flag to set). Returns the bytes written.
    /// Throws <see cref="ArgumentException"/> on caller errors: a layout that does not fit the payload,
    /// <paramref name="types"/> not 2 × ParameterCount bytes, <paramref name="destination"/> shorter than
    /// <see cref="RequiredLength"/>, or overlapping buffers.
    /// </summary>
    public static int WriteWithTypes(ReadOnlySpan<byte> payload, in StmtExecuteLayout layout, ReadOnlySpan<byte> types, Span<byte> destination, uint newStatementId)
    {
        var headLength = WriteHeadWithTypes(payload, layout, types, destination, newStatementId);
        var values = payload[layout.ValuesOffset..];
        if (destination.Length - headLength < values.Length)
            throw new ArgumentException("destination is shorter than RequiredLength", nameof(destination));
        values.CopyTo(destination[headLength..]);
        return headLength + values.Length;
    }

    /// <summary>The <see cref="IBufferWriter{T}"/> variant: writes <see cref="RequiredLength"/> bytes and advances.</summary>
    public static int WriteWithTypes(ReadOnlySpan<byte> payload, in StmtExecuteLayout layout, ReadOnlySpan<byte> types, IBufferWriter<byte> destination, uint newStatementId)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var length = RequiredLength(payload, layout);
        var written = WriteWithTypes(payload, layout, types, destination.GetSpan(length), newStatementId);
        destination.Advance(written);
        return written;
    }

    /// <summary>
    /// Writes only the head (through the types) of the rebuilt payload, for a payload too big to hold whole: the
    /// caller then forwards the values, <c>payload[layout.ValuesOffset..]</c> of the logical payload, unchanged.
    /// <paramref name="payload"/> needs to reach only <see cref="StmtExecuteLayout.ValuesOffset"/>. Note that the
    /// payload grows by <c>2 × ParameterCount</c> bytes when the client did not send types, so its packet framing
    /// (the 0xFFFFFF split points) has to be redone. Returns <see cref="HeadLengthWithTypes"/>.
    /// </summary>
    public static int WriteHeadWithTypes(ReadOnlySpan<byte> payload, in StmtExecuteLayout layout, ReadOnlySpan<byte> types, Span<byte> destination, uint newStatementId)
    {
        var n = layout.ParameterCount;
        if (n is < 0 or > MaxParameterCount || payload.Length < layout.ValuesOffset || payload.Length < FixedLength
            || payload[0] != (byte)CommandCode.StmtExecute
            || layout.ValuesOffset != layout.TypesOffset + layout.TypesLength
            || layout.TypesOffset != (n == 0 ? FixedLength : NullBitmapOffset + layout.NullBitmapLength + 1))
            throw new ArgumentException("the layout does not describe this payload", nameof(layout));
        if (types.Length != n * 2)
            throw new ArgumentException($"expected {n * 2} type bytes for {n} parameters, got {types.Length}", nameof(types));
        var headLength = HeadLengthWithTypes(layout);
        if (destination.Length < headLength)
            throw new ArgumentException("destination is shorter than the head", nameof(destination));
        if (destination.Overlaps(payload) || destination.Overlaps(types))
            throw new ArgumentException("destination must not overlap the payload or the types", nameof(destination));

        // Command byte, id, flags, iteration count, NULL bitmap and the flag byte: copied, then patched.
        payload[..layout.TypesOffset].CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[StatementIdOffset..], newStatementId);
        if (n > 0)
        {
            destination[layout.TypesOffset - 1] = 1;
            types.CopyTo(destination[layout.TypesOffset..]);
        }
        return headLength;
    }
}
