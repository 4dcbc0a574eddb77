using FastAgi.Commands;
using Xunit;

namespace FastAgi.Tests.Commands;

public sealed class EscapeDigitsTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("#", "#")]
    [InlineData("12#", "12#")]
    [InlineData("0123456789*#ABCD", "0123456789*#ABCD")]
    [InlineData("abcd", "ABCD")]
    [InlineData("1121", "12")]
    public void Parse_keeps_order_uppercases_and_drops_repeats(string digits, string expected)
    {
        Assert.Equal(expected, EscapeDigits.Parse(digits).ToString());
    }

    [Theory]
    [InlineData("x")]
    [InlineData("1 2")]
    [InlineData("\"")]
    [InlineData("E")]
    public void Parse_refuses_what_asterisk_would_never_match(string digits)
    {
        Assert.Throws<FormatException>(() => EscapeDigits.Parse(digits));
        Assert.False(EscapeDigits.TryParse(digits, out _));
    }

    [Fact]
    public void None_is_the_default_and_sent_as_empty()
    {
        Assert.Equal(EscapeDigits.None, default);
        Assert.True(EscapeDigits.None.IsEmpty);
        Assert.Equal(string.Empty, EscapeDigits.None.ToString());
        Assert.Equal(EscapeDigits.None, EscapeDigits.Parse(""));
        Assert.False(EscapeDigits.TryParse(null, out _));
    }

    [Fact]
    public void Any_holds_every_dtmf_digit()
    {
        Assert.Equal(16, EscapeDigits.Any.Count);
        foreach (char digit in "0123456789*#ABCDabcd")
        {
            Assert.True(EscapeDigits.Any.Contains(digit));
        }

        Assert.False(EscapeDigits.Any.Contains('E'));
    }

    [Fact]
    public void Equality_compares_the_sets()
    {
        Assert.Equal(EscapeDigits.Parse("1#"), EscapeDigits.Parse("#1"));
        Assert.True(EscapeDigits.Parse("1#") == EscapeDigits.Parse("#11"));
        Assert.True(EscapeDigits.Parse("1") != EscapeDigits.Parse("2"));
        Assert.Equal(EscapeDigits.Parse("1#").GetHashCode(), EscapeDigits.Parse("#1").GetHashCode());
    }
}
