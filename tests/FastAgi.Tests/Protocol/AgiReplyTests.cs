using FastAgi.Protocol;
using Xunit;

namespace FastAgi.Tests.Protocol;

public sealed class AgiReplyTests
{
    [Theory]
    [InlineData("result=0", "0", 0L)]
    [InlineData("result=1", "1", 1L)]
    [InlineData("result=-1", "-1", -1L)]
    [InlineData("result=-2", "-2", -2L)]
    [InlineData("result=6", "6", 6L)]
    [InlineData("result=49", "49", 49L)]
    [InlineData("result=6981", "6981", 6981L)]
    [InlineData("result=1795700025", "1795700025", 1795700025L)]
    public void Result_and_result_code(string text, string result, long code)
    {
        var reply = new AgiReply(200, text);

        Assert.True(reply.HasResult);
        Assert.Equal(result, reply.Result);
        Assert.Equal(code, reply.ResultCode);
        Assert.Null(reply.Data);
        Assert.Equal(string.Empty, reply.Extra);
        Assert.Null(reply.EndPosition);
        Assert.Null(reply.Usage);
        Assert.True(reply.IsSuccess);
    }

    [Theory]
    [InlineData("result=1 (value)", "value", "", null)]
    [InlineData("result=1 (value with spaces)", "value with spaces", "", null)]
    [InlineData("result=1 (x) (y)", "x) (y", "", null)]
    [InlineData("result=1 ()", "", "", null)]
    [InlineData("result=1 (()", "(", "", null)]
    [InlineData("result=1 ())", ")", "", null)]
    [InlineData("result=1 (line1\nline2)", "line1\nline2", "", null)]
    [InlineData("result=1 ([value\r])", "[value\r]", "", null)]
    [InlineData("result=1 (\"\" <12345>)", "\"\" <12345>", "", null)]
    [InlineData("result=1 (caf\u00e9 \u2603)", "caf\u00e9 \u2603", "", null)]
    [InlineData("result=1 (a,b|c;d=e)", "a,b|c;d=e", "", null)]
    [InlineData("result=1 (endpos=5)", "endpos=5", "", null)]
    [InlineData("result=-1 (writefile)", "writefile", "", null)]
    [InlineData("result=-1 (hangup)", "hangup", "", null)]
    [InlineData("result=0 (timeout) endpos=16000", "timeout", "endpos=16000", 16000L)]
    [InlineData("result=42 (dtmf) endpos=0", "dtmf", "endpos=0", 0L)]
    [InlineData("result=1 (speech) endpos=12000 results=1 score0=900 text0=\"yes\" grammar0=yesno", "speech", "endpos=12000 results=1 score0=900 text0=\"yes\" grammar0=yesno", 12000L)]
    public void Data_runs_from_the_first_parenthesis_to_the_last(string text, string data, string extra, long? endPosition)
    {
        var reply = new AgiReply(200, text);

        Assert.Equal(data, reply.Data);
        Assert.Equal(extra, reply.Extra);

        // The endpos inside the data of "(endpos=5)" is data, not a field.
        Assert.Equal(endPosition, reply.EndPosition);
    }

    [Theory]
    [InlineData("result=0 endpos=8000", 0L, 8000L)]
    [InlineData("result=-1 endpos=12160", -1L, 12160L)]
    [InlineData("result=49 endpos=12160", 49L, 12160L)]
    [InlineData("result=0 endpos=-1", 0L, -1L)]
    [InlineData("result=-1 endpos=0", -1L, 0L)]
    public void End_position_of_playback_replies(string text, long code, long endPosition)
    {
        var reply = new AgiReply(200, text);

        Assert.Equal(code, reply.ResultCode);
        Assert.Null(reply.Data);
        Assert.Equal(text["result=".Length..].Split(' ')[1], reply.Extra);
        Assert.Equal(endPosition, reply.EndPosition);
    }

    [Fact]
    public void Record_file_timeout_result_is_the_time_left_not_an_error()
    {
        var reply = new AgiReply(200, "result=6981 (timeout) endpos=8160");

        Assert.Equal(6981, reply.ResultCode);
        Assert.Equal("timeout", reply.Data);
        Assert.Equal(8160, reply.EndPosition);
    }

    [Fact]
    public void Get_data_timeout_without_digits_has_an_empty_result()
    {
        var reply = new AgiReply(200, "result= (timeout)");

        Assert.True(reply.HasResult);
        Assert.Equal(string.Empty, reply.Result);
        Assert.Null(reply.ResultCode);
        Assert.Equal("timeout", reply.Data);
        Assert.Equal(string.Empty, reply.Extra);
    }

    [Fact]
    public void Get_data_with_pound_first_has_an_empty_result_and_no_data()
    {
        var reply = new AgiReply(200, "result=");

        Assert.True(reply.HasResult);
        Assert.Equal(string.Empty, reply.Result);
        Assert.Null(reply.ResultCode);
        Assert.Null(reply.Data);
        Assert.Equal(string.Empty, reply.Extra);
    }

    [Theory]
    [InlineData("result=123 (timeout)", "123", 123L, "timeout")]
    [InlineData("result=12 (timeout)", "12", 12L, "timeout")]
    [InlineData("result=123", "123", 123L, null)]
    [InlineData("result=0123", "0123", 123L, null)]
    [InlineData("result=12*3", "12*3", null, null)]
    public void Get_data_digits_are_kept_as_text(string text, string result, long? code, string? data)
    {
        var reply = new AgiReply(200, text);

        Assert.Equal(result, reply.Result);
        Assert.Equal(code, reply.ResultCode);
        Assert.Equal(data, reply.Data);
    }

    [Theory]
    [InlineData(100, "result=0 Trying...", 0L, "Trying...")]
    [InlineData(200, "result=0 Gosub complete", 0L, "Gosub complete")]
    [InlineData(200, "result=0 Gosub complete (abnormal exit)", 0L, "Gosub complete (abnormal exit)")]
    [InlineData(200, "result=-1 Gosub label not found", -1L, "Gosub label not found")]
    [InlineData(200, "result=3 Gosub failed", 3L, "Gosub failed")]
    [InlineData(503, "result=-2 Memory allocation failure", -2L, "Memory allocation failure")]
    public void Gosub_free_text_is_extra_not_data(int status, string text, long code, string extra)
    {
        var reply = new AgiReply(status, text);

        Assert.Equal(status, reply.StatusCode);
        Assert.Equal(code, reply.ResultCode);
        Assert.Null(reply.Data);
        Assert.Equal(extra, reply.Extra);
        Assert.Null(reply.EndPosition);
        Assert.Equal(status == 200, reply.IsSuccess);
    }

    [Theory]
    [InlineData(510, "Invalid or unknown command")]
    [InlineData(511, "Command Not Permitted on a dead channel or intercept routine")]
    [InlineData(520, "Invalid command syntax.  Proper usage not available.")]
    [InlineData(520, "Invalid command syntax.  Proper usage follows:")]
    public void Error_replies_have_no_result(int status, string text)
    {
        var reply = new AgiReply(status, text);

        Assert.Equal(status, reply.StatusCode);
        Assert.Equal(text, reply.Text);
        Assert.False(reply.HasResult);
        Assert.Equal(string.Empty, reply.Result);
        Assert.Null(reply.ResultCode);
        Assert.Null(reply.Data);
        Assert.Equal(string.Empty, reply.Extra);
        Assert.Null(reply.EndPosition);
        Assert.False(reply.IsSuccess);
    }

    [Fact]
    public void Usage_is_kept_verbatim()
    {
        const string usage = "Sets a variable to the current channel.\n    <value>SUCCESS</value>";
        var reply = new AgiReply(520, "Invalid command syntax.  Proper usage follows:", usage);

        Assert.Equal(usage, reply.Usage);
        Assert.Equal("520 Invalid command syntax.  Proper usage follows:", reply.ToString());
    }

    [Theory]
    [InlineData("result=1 (digit) digit=5 endpos=3000", "digit", "5")]
    [InlineData("result=1 (digit) digit=5 endpos=3000", "endpos", "3000")]
    [InlineData("result=1 (speech) endpos=12000 results=1 score0=900 text0=\"yes\" grammar0=yesno", "results", "1")]
    [InlineData("result=1 (speech) endpos=12000 results=1 score0=900 text0=\"yes\" grammar0=yesno", "score0", "900")]
    [InlineData("result=1 (speech) endpos=12000 results=1 score0=900 text0=\"yes\" grammar0=yesno", "grammar0", "yesno")]
    [InlineData("result=0 endpos=", "endpos", "")]
    public void Extra_values_are_found_by_key(string text, string key, string value)
    {
        var reply = new AgiReply(200, text);

        Assert.True(reply.TryGetExtraValue(key, out ReadOnlySpan<char> found));
        Assert.Equal(value, found.ToString());
    }

    [Theory]
    [InlineData("result=0 endpos=8000", "end")]
    [InlineData("result=0 endpos=8000", "pos")]
    [InlineData("result=0 endpos=8000", "ENDPOS")]
    [InlineData("result=0 xendpos=8000", "endpos")]
    [InlineData("result=1 (endpos=5)", "endpos")]
    [InlineData("result=0 Gosub complete", "Gosub")]
    [InlineData("result=0", "endpos")]
    [InlineData("Invalid or unknown command", "endpos")]
    public void Extra_value_lookup_matches_whole_keys_only(string text, string key)
    {
        var reply = new AgiReply(200, text);

        Assert.False(reply.TryGetExtraValue(key, out ReadOnlySpan<char> found));
        Assert.True(found.IsEmpty);
    }

    [Fact]
    public void Non_numeric_end_position_is_absent()
    {
        Assert.Null(new AgiReply(200, "result=0 endpos=abc").EndPosition);
        Assert.Null(new AgiReply(200, "result=0 endpos=").EndPosition);
    }

    [Theory]
    [InlineData(200, "result=0", "200 result=0")]
    [InlineData(200, "result=1 (line1\nline2)", "200 result=1 (line1\nline2)")]
    [InlineData(510, "Invalid or unknown command", "510 Invalid or unknown command")]
    [InlineData(100, "result=0 Trying...", "100 result=0 Trying...")]
    public void ToString_gives_the_line_as_Asterisk_sent_it(int status, string text, string expected) =>
        Assert.Equal(expected, new AgiReply(status, text).ToString());

    [Fact]
    public void Null_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new AgiReply(200, null!));
        Assert.Throws<ArgumentNullException>(() => new AgiReply(200, "result=0").TryGetExtraValue(null!, out _));
    }
}
