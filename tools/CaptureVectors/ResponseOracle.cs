using System.Buffers.Binary;

namespace Switchyard.Tools.CaptureVectors;

/// <summary>How the oracle walks a response (named like the codec's ResponseShape so the manifest can say it).</summary>
internal enum Kind
{
    ResultSets,
    SinglePacket,
    RawSinglePacket,
    FieldList,
    Prepare,
    Fetch,
}

internal sealed record OracleResult
{
    public required int PacketsUsed { get; init; }
    public required List<string> Scan { get; init; }
    public ushort? Status { get; init; }
    public bool IsError { get; init; }
    public ushort ErrorCode { get; init; }
    public uint? PreparedStatementId { get; init; }
    public ushort? PreparedParameters { get; init; }
    public ushort? PreparedColumns { get; init; }
    /// <summary>Decoded OK fields of the last OK seen (affected rows, insert id, session state bytes).</summary>
    public ulong? AffectedRows { get; init; }
    public ulong? LastInsertId { get; init; }
    public int ResultSets { get; init; }
    public int Rows { get; init; }
}

/// <summary>
/// An independent, deliberately naive reading of a response, written from the MariaDB protocol pages
/// (https://mariadb.com/kb/en/result-set-packets/, /ok_packet/, /eof_packet/, /com_stmt_prepare/) over whole
/// logical packets, with full decoding and sanity checks (every column definition must start with the
/// catalog "def"). It does not use ResponseScanner. Where it disagrees with the COM_PING sentinel cut,
/// capture fails loudly.
/// </summary>
internal static class ResponseOracle
{
    public static OracleResult Walk(IReadOnlyList<byte[]> packets, Kind kind, bool deprecateEof)
    {
        var w = new Walker(packets, deprecateEof);
        switch (kind)
        {
            case Kind.ResultSets: w.ResultSets(); break;
            case Kind.SinglePacket: w.Single(); break;
            case Kind.RawSinglePacket: w.Next(); w.Done(); break;
            case Kind.FieldList: w.FieldList(); break;
            case Kind.Prepare: w.Prepare(); break;
            case Kind.Fetch: w.Rows(); break;
        }
        return w.Result();
    }

    private sealed class Walker(IReadOnlyList<byte[]> packets, bool deprecateEof)
    {
        private int _index;
        private readonly List<string> _scan = [];
        private ushort? _status;
        private bool _isError;
        private ushort _errorCode;
        private uint? _stmtId;
        private ushort? _params, _columns;
        private ulong? _affected, _insertId;
        private int _resultSets, _rows;

        public byte[] Next()
        {
            if (_index >= packets.Count)
                throw new InvalidOperationException("oracle: response ended early");
            return packets[_index++];
        }

        public void Done() => _scan.Add("Complete");

        public OracleResult Result() => new()
        {
            PacketsUsed = _index,
            Scan = _scan,
            Status = _status,
            IsError = _isError,
            ErrorCode = _errorCode,
            PreparedStatementId = _stmtId,
            PreparedParameters = _params,
            PreparedColumns = _columns,
            AffectedRows = _affected,
            LastInsertId = _insertId,
            ResultSets = _resultSets,
            Rows = _rows,
        };

        public void ResultSets()
        {
            while (true)
            {
                var p = Next();
                switch (p[0])
                {
                    case 0x00:
                        ReadOk(p);
                        break;
                    case 0xFF:
                        ReadErr(p);
                        return;
                    case 0xFB:
                        // LOCAL INFILE request: the file name follows; the client sends the file, then OK/ERR comes.
                        _scan.Add("LocalInfileRequested");
                        continue;
                    default:
                        var count = LenEnc(p, 0, out _);
                        _resultSets++;
                        for (ulong i = 0; i < count; i++)
                            ColumnDefinition(Next());
                        if (!deprecateEof)
                        {
                            ReadEof(Next());
                            if ((_status.GetValueOrDefault() & 0x40) != 0) // SERVER_STATUS_CURSOR_EXISTS: rows come by COM_STMT_FETCH
                            {
                                Done();
                                return;
                            }
                        }
                        if (!RowsThenTerminator())
                            return;
                        break;
                }
                if ((_status.GetValueOrDefault() & 0x08) == 0) // SERVER_MORE_RESULTS_EXIST
                {
                    Done();
                    return;
                }
            }
        }

        /// <summary>Rows up to EOF/OK-terminator (true) or ERR (false).</summary>
        private bool RowsThenTerminator()
        {
            while (true)
            {
                var p = Next();
                if (p[0] == 0xFF)
                {
                    ReadErr(p);
                    return false;
                }
                if (p[0] == 0xFE && (deprecateEof ? p.Length < 0xFFFFFF : p.Length < 9))
                {
                    if (deprecateEof)
                        ReadOk(p);
                    else
                        ReadEof(p);
                    return true;
                }
                _rows++;
            }
        }

        public void Rows()
        {
            if (RowsThenTerminator())
                Done();
        }

        public void Single()
        {
            var p = Next();
            if (p[0] == 0xFF)
            {
                ReadErr(p);
                return;
            }
            if (p[0] == 0x00 || (p[0] == 0xFE && deprecateEof))
                ReadOk(p);
            else if (p[0] == 0xFE)
                ReadEof(p);
            else
                throw new InvalidOperationException("oracle: single packet is neither OK, EOF nor ERR");
            Done();
        }

        public void FieldList()
        {
            while (true)
            {
                var p = Next();
                if (p[0] == 0xFF)
                {
                    ReadErr(p);
                    return;
                }
                if (p[0] == 0xFE)
                {
                    // Under DEPRECATE_EOF the terminator is OK-shaped (seen: FE 00 00 02 00 00 00, 7 bytes).
                    if (deprecateEof)
                        ReadOk(p);
                    else
                        ReadEof(p);
                    Done();
                    return;
                }
                ColumnDefinition(p);
            }
        }

        public void Prepare()
        {
            var p = Next();
            if (p[0] == 0xFF)
            {
                ReadErr(p);
                return;
            }
            if (p[0] != 0x00 || p.Length < 12)
                throw new InvalidOperationException("oracle: not a COM_STMT_PREPARE_OK");
            _stmtId = BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(1));
            _columns = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(5));
            _params = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(7));
            foreach (var n in new[] { _params.Value, _columns.Value })
            {
                if (n == 0)
                    continue;
                for (var i = 0; i < n; i++)
                    ColumnDefinition(Next());
                if (!deprecateEof)
                {
                    var eof = Next();
                    if (eof[0] != 0xFE || eof.Length >= 9)
                        throw new InvalidOperationException("oracle: expected EOF after definitions");
                    // The prepare response's EOFs are not status-bearing for the statement; keep them out.
                }
            }
            Done();
        }

        private static void ColumnDefinition(byte[] p)
        {
            if (p.Length < 4 || p[0] != 3 || p[1] != (byte)'d' || p[2] != (byte)'e' || p[3] != (byte)'f')
                throw new InvalidOperationException($"oracle: not a column definition: {Convert.ToHexString(p.AsSpan(0, Math.Min(16, p.Length)))}");
        }

        private void ReadOk(byte[] p)
        {
            var offset = 1;
            _affected = LenEnc(p, offset, out var used);
            offset += used;
            _insertId = LenEnc(p, offset, out used);
            offset += used;
            _status = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(offset));
        }

        private void ReadEof(byte[] p)
        {
            if (p[0] != 0xFE || p.Length != 5)
                throw new InvalidOperationException($"oracle: expected a 5-byte EOF, got {Convert.ToHexString(p)}");
            _status = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(3));
        }

        private void ReadErr(byte[] p)
        {
            _isError = true;
            _errorCode = BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(1));
            Done();
        }
    }

    public static ulong LenEnc(byte[] p, int offset, out int used)
    {
        var b = p[offset];
        switch (b)
        {
            case < 0xFB: used = 1; return b;
            case 0xFC: used = 3; return BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(offset + 1));
            case 0xFD: used = 4; return (ulong)(p[offset + 1] | (p[offset + 2] << 8) | (p[offset + 3] << 16));
            case 0xFE: used = 9; return BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan(offset + 1));
            default: throw new InvalidOperationException($"oracle: bad length-encoded integer 0x{b:X2}");
        }
    }
}
