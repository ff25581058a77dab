using System.Text;
using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Tests.Classification;

public sealed class AsciiNameTableTests
{
    private static readonly AsciiNameTable<int> Table = new(new Dictionary<string, int>
    {
        ["SELECT"] = 1,
        ["SQL_CALC_FOUND_ROWS"] = 2,
        ["Json_Value"] = 3,
        ["A"] = 4,
    });

    [Theory]
    [InlineData("SELECT", 1)]
    [InlineData("select", 1)]
    [InlineData("SeLeCt", 1)]
    [InlineData("sql_calc_found_rows", 2)]
    [InlineData("JSON_VALUE", 3)]
    [InlineData("json_value", 3)]
    [InlineData("a", 4)]
    public void TryGetValue_NameInAnyCase_Found(string name, int expected)
    {
        Assert.True(Table.TryGetValue(Encoding.UTF8.GetBytes(name), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("SELEC")]
    [InlineData("SELECTS")]
    [InlineData("SQL_CALC_FOUND_ROWS_")]
    [InlineData("B")]
    // Only letters fold: '_' is 0x5F and DEL 0x7F, which a blind "& ~0x20" would take for the same character.
    [InlineData("SQL\u007fCALC_FOUND_ROWS")]
    // Non-ASCII never matches, not even U+017F, which upper-cases to 'S'.
    [InlineData("SÉLECT")]
    [InlineData("ſelect")]
    public void TryGetValue_OtherName_NotFound(string name)
    {
        Assert.False(Table.TryGetValue(Encoding.UTF8.GetBytes(name), out var value));
        Assert.Equal(0, value);
    }

    [Fact]
    public void TryGetValue_ManyNames_EachFoundWithItsOwnValueAndNoOtherName()
    {
        // Enough names for collisions in the probe sequence: every one must still come back with its own value.
        var names = Enumerable.Range(0, 2000).Select(i => $"NAME_{i}").ToList();
        var table = new AsciiNameTable<int>(names.Select((name, i) => KeyValuePair.Create(name, i)));

        for (var i = 0; i < names.Count; i++)
        {
            Assert.True(table.TryGetValue(Encoding.ASCII.GetBytes(names[i].ToLowerInvariant()), out var value), names[i]);
            Assert.Equal(i, value);
        }
        Assert.False(table.TryGetValue("NAME_2000"u8, out _));
        Assert.False(table.TryGetValue("NAME_"u8, out _));
    }

    [Fact]
    public void Constructor_NameGivenTwiceInDifferentCase_LaterValueWins()
    {
        var table = new AsciiNameTable<int>([KeyValuePair.Create("lower", 1), KeyValuePair.Create("LOWER", 2)]);

        Assert.True(table.TryGetValue("Lower"u8, out var value));
        Assert.Equal(2, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CAFÉ")]
    public void Constructor_EmptyOrNonAsciiName_Refused(string name)
    {
        Assert.Throws<ArgumentException>(() => new AsciiNameTable<int>([KeyValuePair.Create(name, 1)]));
    }
}
