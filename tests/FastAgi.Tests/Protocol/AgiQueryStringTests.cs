using System.Collections;
using FastAgi.Protocol;
using Xunit;

namespace FastAgi.Tests.Protocol;

public sealed class AgiQueryStringTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("&")]
    [InlineData("&&&")]
    [InlineData("#")]
    [InlineData("#a=1")]
    public void Nothing_to_parse_gives_the_empty_query(string? query)
    {
        AgiQueryString parsed = AgiQueryString.Parse(query);

        Assert.Same(AgiQueryString.Empty, parsed);
        Assert.Empty(parsed);
        Assert.Null(parsed["a"]);
    }

    [Fact]
    public void Recorded_query_of_01b_is_decoded()
    {
        AgiQueryString query = AgiQueryString.Parse("mode=x&y=2&sp=a%20b&utf=caf%C3%A9&empty=&flag");

        Assert.Equal(6, query.Count);
        Assert.Equal(new KeyValuePair<string, string>("mode", "x"), query[0]);
        Assert.Equal("2", query["y"]);
        Assert.Equal("a b", query["sp"]);
        Assert.Equal("caf\u00e9", query["utf"]);
        Assert.Equal(string.Empty, query["empty"]);
        Assert.Equal(string.Empty, query["flag"]);
        Assert.Null(query["missing"]);
    }

    [Theory]
    [InlineData("a=hello+world", "hello world")]
    [InlineData("a=hello%20world", "hello world")]
    [InlineData("a=%2B", "+")]
    [InlineData("a=1%2B1%3D2", "1+1=2")]
    [InlineData("a=100%25", "100%")]
    [InlineData("a=%26%3D%23%3F", "&=#?")]
    [InlineData("a=caf%C3%A9", "caf\u00e9")]
    [InlineData("a=%E2%98%83", "\u2603")]
    [InlineData("a=%F0%9F%98%80", "\U0001F600")]
    [InlineData("a=%41%42", "AB")]
    [InlineData("a=%zz", "%zz")]
    [InlineData("a=100%", "100%")]
    [InlineData("a=two words", "two words")]
    [InlineData("a==b", "=b")]
    [InlineData("a=1,b=2", "1,b=2")]
    [InlineData("a=x?y", "x?y")]
    [InlineData("a=caf\u00e9", "caf\u00e9")]
    public void Values_are_url_decoded(string query, string value) =>
        Assert.Equal(value, AgiQueryString.Parse(query)["a"]);

    [Theory]
    [InlineData("my+name=x", "my name")]
    [InlineData("my%20name=x", "my name")]
    [InlineData("caf%C3%A9=x", "caf\u00e9")]
    [InlineData("flag", "flag")]
    public void Names_are_url_decoded(string query, string name)
    {
        AgiQueryString parsed = AgiQueryString.Parse(query);

        Assert.Equal(name, Assert.Single(parsed).Key);
    }

    [Theory]
    [InlineData("a=1#frag", "1")]
    [InlineData("a=1#", "1")]
    [InlineData("a=two words#frag", "two words")]
    [InlineData("a=1#b=2", "1")]
    [InlineData("a=1#&b=2", "1")]
    public void Fragment_is_ignored(string query, string value)
    {
        AgiQueryString parsed = AgiQueryString.Parse(query);

        Assert.Equal(value, parsed["a"]);
        Assert.Null(parsed["b"]);
        Assert.Single(parsed);
    }

    [Fact]
    public void Repeated_names_keep_every_value_in_order_and_the_first_wins()
    {
        AgiQueryString query = AgiQueryString.Parse("lang=fr&x=1&lang=en&lang=");

        Assert.Equal("fr", query["lang"]);
        Assert.True(query.TryGetValue("lang", out string? first));
        Assert.Equal("fr", first);
        Assert.Equal(["fr", "en", string.Empty], query.GetValues("lang"));
        Assert.Equal(["1"], query.GetValues("x"));
        Assert.Empty(query.GetValues("missing"));
        Assert.Equal(4, query.Count);
    }

    [Fact]
    public void Names_are_case_sensitive()
    {
        AgiQueryString query = AgiQueryString.Parse("Lang=fr&lang=en");

        Assert.Equal("fr", query["Lang"]);
        Assert.Equal("en", query["lang"]);
        Assert.Null(query["LANG"]);
        Assert.False(query.TryGetValue("LANG", out string? missing));
        Assert.Null(missing);
    }

    [Fact]
    public void Empty_pairs_are_skipped_and_order_is_kept()
    {
        AgiQueryString query = AgiQueryString.Parse("&b=2&&a=1&");

        Assert.Equal([new("b", "2"), new("a", "1")], query);
        Assert.Equal(new KeyValuePair<string, string>("a", "1"), query[1]);
    }

    [Fact]
    public void Non_generic_enumeration_gives_the_same_pairs()
    {
        AgiQueryString query = AgiQueryString.Parse("a=1&b=2");
        var pairs = new List<object>();
        foreach (object pair in (IEnumerable)query)
        {
            pairs.Add(pair);
        }

        Assert.Equal([new KeyValuePair<string, string>("a", "1"), new KeyValuePair<string, string>("b", "2")], pairs);
    }
}
