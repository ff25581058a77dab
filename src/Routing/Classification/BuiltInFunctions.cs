namespace Switchyard.Routing.Classification;

/// <summary>
/// The names that may stand before <c>(</c> in a read without making it primary-only. A name not in the
/// table might be a stored function that writes, so it sends the statement to the primary: the table is
/// generous with read-only built-ins so that ordinary reads still reach replicas.
/// </summary>
internal static class BuiltInFunctions
{
    // Built-in functions that read only (deterministic or not: NOW(), RAND() and UUID() are fine on a replica).
    private static readonly string[] ReadOnlyFunctions =
    [
        // Aggregates and window functions.
        "AVG", "BIT_AND", "BIT_OR", "BIT_XOR", "COUNT", "GROUP_CONCAT", "JSON_ARRAYAGG", "JSON_OBJECTAGG",
        "MAX", "MIN", "STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "SUM", "VAR_POP", "VAR_SAMP", "VARIANCE",
        "ANY_VALUE", "GROUPING", "CUME_DIST", "DENSE_RANK", "FIRST_VALUE", "LAG", "LAST_VALUE", "LEAD",
        "NTH_VALUE", "NTILE", "PERCENT_RANK", "RANK", "ROW_NUMBER", "MEDIAN", "PERCENTILE_CONT",
        "PERCENTILE_DISC",

        // Flow control and comparison.
        "IF", "IFNULL", "NULLIF", "COALESCE", "GREATEST", "LEAST", "INTERVAL", "ISNULL", "NVL", "NVL2",
        "DECODE", "DECODE_ORACLE", "STRCMP",

        // Strings.
        "ASCII", "BIN", "BIT_LENGTH", "CHAR", "CHAR_LENGTH", "CHARACTER_LENGTH", "CHR", "CONCAT", "CONCAT_WS",
        "ELT", "EXPORT_SET", "FIELD", "FIND_IN_SET", "FORMAT", "FROM_BASE64", "HEX", "INSERT", "INSTR", "LCASE",
        "LEFT", "LENGTH", "LENGTHB", "LOCATE", "LOWER", "LPAD", "LTRIM", "MAKE_SET", "MATCH", "AGAINST", "MID",
        "OCT", "OCTET_LENGTH", "ORD", "POSITION", "QUOTE", "REGEXP_INSTR", "REGEXP_LIKE", "REGEXP_REPLACE",
        "REGEXP_SUBSTR", "REPEAT", "REPLACE", "REVERSE", "RIGHT", "RPAD", "RTRIM", "SOUNDEX", "SPACE", "SUBSTR",
        "SUBSTRING", "SUBSTRING_INDEX", "TO_BASE64", "TRIM", "UCASE", "UNHEX", "UPPER", "WEIGHT_STRING",
        "SFORMAT", "NATURAL_SORT_KEY", "TO_CHAR", "CONVERT", "CAST", "COLLATION", "CHARSET", "COERCIBILITY",
        "EXTRACTVALUE", "UPDATEXML", "LOWER", "LTRIM_ORACLE", "RTRIM_ORACLE", "LPAD_ORACLE", "RPAD_ORACLE",
        "REPLACE_ORACLE", "SUBSTR_ORACLE", "TRIM_ORACLE", "CONCAT_OPERATOR_ORACLE",

        // Numbers.
        "ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "CEIL", "CEILING", "CONV", "COS", "COT", "CRC32", "CRC32C",
        "DEGREES", "EXP", "FLOOR", "LN", "LOG", "LOG10", "LOG2", "MOD", "PI", "POW", "POWER", "RADIANS", "RAND",
        "ROUND", "SIGN", "SIN", "SQRT", "TAN", "TRUNCATE", "BIT_COUNT",

        // Dates and times.
        "ADDDATE", "ADDTIME", "ADD_MONTHS", "CONVERT_TZ", "CURDATE", "CURRENT_DATE", "CURRENT_TIME",
        "CURRENT_TIMESTAMP", "CURTIME", "DATE", "DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DATEDIFF", "DAY",
        "DAYNAME", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "EXTRACT", "FROM_DAYS", "FROM_UNIXTIME",
        "GET_FORMAT", "HOUR", "LAST_DAY", "LOCALTIME", "LOCALTIMESTAMP", "MAKEDATE", "MAKETIME", "MICROSECOND",
        "MINUTE", "MONTH", "MONTHNAME", "MONTHS_BETWEEN", "NOW", "PERIOD_ADD", "PERIOD_DIFF", "QUARTER",
        "SEC_TO_TIME", "SECOND", "STR_TO_DATE", "SUBDATE", "SUBTIME", "SYSDATE", "TIME", "TIME_FORMAT",
        "TIME_TO_SEC", "TIMEDIFF", "TIMESTAMP", "TIMESTAMPADD", "TIMESTAMPDIFF", "TO_DAYS", "TO_SECONDS",
        "UNIX_TIMESTAMP", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "WEEK", "WEEKDAY", "WEEKOFYEAR", "YEAR",
        "YEARWEEK",

        // JSON.
        "JSON_ARRAY", "JSON_ARRAY_APPEND", "JSON_ARRAY_INSERT", "JSON_ARRAY_INTERSECT", "JSON_COMPACT",
        "JSON_CONTAINS", "JSON_CONTAINS_PATH", "JSON_DEPTH", "JSON_DETAILED", "JSON_EQUALS", "JSON_EXISTS",
        "JSON_EXTRACT", "JSON_INSERT", "JSON_KEY_VALUE", "JSON_KEYS", "JSON_LENGTH", "JSON_LOOSE", "JSON_MERGE",
        "JSON_MERGE_PATCH", "JSON_MERGE_PRESERVE", "JSON_NORMALIZE", "JSON_OBJECT", "JSON_OBJECT_FILTER_KEYS",
        "JSON_OBJECT_TO_ARRAY", "JSON_OVERLAPS", "JSON_PRETTY", "JSON_QUERY", "JSON_QUOTE", "JSON_REMOVE",
        "JSON_REPLACE", "JSON_SCHEMA_VALID", "JSON_SCHEMA_VALIDATION_REPORT", "JSON_SEARCH", "JSON_SET",
        "JSON_STORAGE_FREE", "JSON_STORAGE_SIZE", "JSON_TABLE", "JSON_TYPE", "JSON_UNQUOTE", "JSON_VALID",
        "JSON_VALUE",

        // Information about the session (read-only; LAST_INSERT_ID and FOUND_ROWS are handled separately).
        "BENCHMARK", "CONNECTION_ID", "CURRENT_ROLE", "CURRENT_USER", "DATABASE", "SCHEMA", "SESSION_USER",
        "SYSTEM_USER", "USER", "VERSION", "ICU_VERSION", "ROLES_GRAPHML", "PS_CURRENT_THREAD_ID", "PS_THREAD_ID",
        "FORMAT_BYTES", "FORMAT_PICO_TIME",

        // Miscellaneous.
        "BIN_TO_UUID", "UUID_TO_BIN", "UUID", "UUID_SHORT", "IS_UUID", "SYS_GUID", "INET_ATON", "INET_NTOA",
        "INET6_ATON", "INET6_NTOA", "IS_IPV4", "IS_IPV6", "IS_IPV4_COMPAT", "IS_IPV4_MAPPED", "SLEEP",
        "NAME_CONST", "DEFAULT", "GTID_SUBSET", "GTID_SUBTRACT", "COLUMN_CREATE", "COLUMN_GET", "COLUMN_JSON",
        "COLUMN_LIST", "COLUMN_EXISTS", "COLUMN_CHECK", "COLUMN_ADD", "COLUMN_DELETE", "ROWNUM", "UUID_V4", "UUID_V7",

        // Hashing, encryption and compression.
        "AES_DECRYPT", "AES_ENCRYPT", "COMPRESS", "UNCOMPRESS", "UNCOMPRESSED_LENGTH", "MD5", "SHA", "SHA1",
        "SHA2", "RANDOM_BYTES", "STATEMENT_DIGEST", "STATEMENT_DIGEST_TEXT", "VALIDATE_PASSWORD_STRENGTH",
        "KDF", "DES_DECRYPT", "DES_ENCRYPT", "ENCODE", "DECODE_HISTOGRAM", "ENCRYPT", "PASSWORD", "OLD_PASSWORD",

        // Spatial (the common ones).
        "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION",
        "ST_AREA", "ST_ASBINARY", "ST_ASGEOJSON", "ST_ASTEXT", "ST_ASWKB", "ST_ASWKT", "ST_BUFFER",
        "ST_CENTROID", "ST_CONTAINS", "ST_CROSSES", "ST_DIFFERENCE", "ST_DISJOINT", "ST_DISTANCE",
        "ST_DISTANCE_SPHERE", "ST_ENDPOINT", "ST_ENVELOPE", "ST_EQUALS", "ST_GEOMFROMGEOJSON",
        "ST_GEOMFROMTEXT", "ST_GEOMFROMWKB", "ST_GEOMETRYFROMTEXT", "ST_INTERSECTION", "ST_INTERSECTS",
        "ST_ISEMPTY", "ST_ISVALID", "ST_LATITUDE", "ST_LENGTH", "ST_LONGITUDE", "ST_NUMPOINTS", "ST_OVERLAPS",
        "ST_POINTFROMTEXT", "ST_POLYFROMTEXT", "ST_SRID", "ST_STARTPOINT", "ST_SYMDIFFERENCE", "ST_TOUCHES",
        "ST_TRANSFORM", "ST_UNION", "ST_WITHIN", "ST_X", "ST_Y", "MBRCONTAINS", "MBRCOVEREDBY", "MBRCOVERS",
        "MBRDISJOINT", "MBREQUALS", "MBRINTERSECTS", "MBROVERLAPS", "MBRTOUCHES", "MBRWITHIN",
    ];

    // Keywords and type names that stand before '(' without calling anything
    // ("x IN (", "CAST(x AS DECIMAL(10,2))", "JOIN (", "USE INDEX (", "OVER (", "VALUES ROW(", ...).
    private static readonly string[] NonCallWords =
    [
        "IN", "EXISTS", "ANY", "SOME", "ALL", "AS", "OVER", "FROM", "JOIN", "ON", "USING", "WHERE", "AND", "OR",
        "NOT", "XOR", "SELECT", "UNION", "INTERSECT", "EXCEPT", "MINUS", "VALUES", "VALUE", "ROW", "LATERAL",
        "INDEX", "KEY", "PARTITION", "BY", "HAVING", "WHEN", "THEN", "ELSE", "CASE", "IS", "LIKE", "BETWEEN",
        "DISTINCT", "DISTINCTROW", "ESCAPE", "LIMIT", "OFFSET", "RETURNING", "COLUMNS", "TABLE", "WITH",
        "RECURSIVE", "ORDER", "GROUP", "FOR", "OF", "NESTED", "PATH", "DIV", "REGEXP", "RLIKE", "SOUNDS",
        "STRAIGHT_JOIN", "INTO", "WINDOW", "ROWS", "RANGE", "TO", "MEMBER", "HIGH_PRIORITY", "SQL_CACHE",
        "SQL_NO_CACHE", "SQL_BUFFER_RESULT", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_CALC_FOUND_ROWS",
        "BINARY", "CHARACTER", "NCHAR", "VARCHAR", "VARBINARY", "DECIMAL", "DEC", "NUMERIC", "FIXED", "FLOAT",
        "DOUBLE", "REAL", "INT", "INTEGER", "TINYINT", "SMALLINT", "MEDIUMINT", "BIGINT", "BIT", "SIGNED",
        "UNSIGNED", "DATETIME", "JSON", "TEXT", "BLOB", "ENUM", "RETURN",
    ];

    // Built-ins that read, but only give the right answer on the primary.
    private static readonly (string Name, StatementFlags Flags)[] PrimaryOnlyFunctions =
    [
        ("GET_LOCK", StatementFlags.LockFunction | StatementFlags.NamedLockAcquire),
        ("RELEASE_LOCK", StatementFlags.LockFunction),
        ("RELEASE_ALL_LOCKS", StatementFlags.LockFunction | StatementFlags.ReleaseAllNamedLocks),
        ("IS_FREE_LOCK", StatementFlags.LockFunction),
        ("IS_USED_LOCK", StatementFlags.LockFunction),
        ("LAST_INSERT_ID", StatementFlags.LastInsertId),
        ("FOUND_ROWS", StatementFlags.FoundRows),
        ("ROW_COUNT", StatementFlags.FoundRows),
        ("NEXTVAL", StatementFlags.Sequence),
        ("LASTVAL", StatementFlags.Sequence),
        ("SETVAL", StatementFlags.Sequence),
    ];

    private static readonly AsciiNameTable<StatementFlags> Table = new(
        ReadOnlyFunctions.Concat(NonCallWords).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => KeyValuePair.Create(name, StatementFlags.None))
            .Concat(PrimaryOnlyFunctions.Select(f => KeyValuePair.Create(f.Name, f.Flags))));

    /// <summary>
    /// The flags a call of <paramref name="name"/> adds to a read: <see cref="StatementFlags.None"/> for a
    /// read-only built-in or a keyword, a specific reason for lock, sequence and previous-statement
    /// functions, <see cref="StatementFlags.UnknownFunctionMayWrite"/> for anything else.
    /// </summary>
    public static StatementFlags FlagsForCall(ReadOnlySpan<byte> name) =>
        Table.TryGetValue(name, out StatementFlags flags) ? flags : StatementFlags.UnknownFunctionMayWrite;
}
