using Switchyard.Proxy.Backends;

namespace Switchyard.Proxy.Tests.Backends;

public sealed class CharsetNamesTests
{
    [Theory]
    [InlineData(8, "latin1")]     // latin1_swedish_ci
    [InlineData(47, "latin1")]    // latin1_bin
    [InlineData(33, "utf8mb3")]   // utf8mb3_general_ci
    [InlineData(83, "utf8mb3")]   // utf8mb3_bin
    [InlineData(192, "utf8mb3")]  // utf8mb3_unicode_ci
    [InlineData(215, "utf8mb3")]  // utf8mb3_vietnamese_ci
    [InlineData(45, "utf8mb4")]   // utf8mb4_general_ci
    [InlineData(46, "utf8mb4")]   // utf8mb4_bin
    [InlineData(224, "utf8mb4")]  // utf8mb4_unicode_ci
    [InlineData(255, "utf8mb4")]  // utf8mb4_0900_ai_ci (MySQL 8 default)
    [InlineData(63, "binary")]
    [InlineData(11, "ascii")]     // ascii_general_ci
    [InlineData(65, "ascii")]     // ascii_bin
    [InlineData(28, "gbk")]       // gbk_chinese_ci
    [InlineData(87, "gbk")]       // gbk_bin
    public void ForCollation_KnownId_ReturnsItsCharset(byte collation, string expected)
    {
        Assert.Equal(expected, CharsetNames.ForCollation(collation));
    }

    [Fact]
    public void ForCollation_Utf8GeneralMysql500_IsUtf8mb3()
    {
        Assert.Equal("utf8mb3", CharsetNames.ForCollation(223));
    }
}
