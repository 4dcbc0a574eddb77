using FastAgi.Protocol;
using FastAgi.Server;

namespace FastAgi.Commands;

public static partial class AgiCommands
{
    /// <summary>The format SAY DATETIME uses when none is given, for every language but German (<c>ABdY 'digits/at' IMp</c>: weekday, month, day, year "at" hour, minute, AM/PM).</summary>
    public const string DefaultSayDateTimeFormat = "ABdY 'digits/at' IMp";

    private const string SayAlphaCommand = "SAY ALPHA";
    private const string SayDigitsCommand = "SAY DIGITS";
    private const string SayNumberCommand = "SAY NUMBER";
    private const string SayPhoneticCommand = "SAY PHONETIC";
    private const string SayDateCommand = "SAY DATE";
    private const string SayTimeCommand = "SAY TIME";
    private const string SayDateTimeCommand = "SAY DATETIME";

    /// <summary>Spells out a string letter by letter, digits and symbols included (SAY ALPHA).</summary>
    /// <remarks>
    /// Sends <c>SAY ALPHA text escape_digits [a|l|n|u]</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt;</c>. SAY commands are not
    /// interrupted by an early command; only the escape digits stop them.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="text">The characters to say.</param>
    /// <param name="escapeDigits">The digits that stop it; <see cref="EscapeDigits.None"/> (the default) says everything.</param>
    /// <param name="letterCase">Whether to announce upper or lower case; <see cref="SayAlphaCase.None"/> (the default) does not.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Whether everything was said, the escape digit pressed, or <see cref="PlaybackStatus.Failed"/> when a sound file was missing.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<SayResult> SayAlphaAsync(
        this AgiSession session,
        string text,
        EscapeDigits escapeDigits = default,
        SayAlphaCase letterCase = SayAlphaCase.None,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        string? caseWord = letterCase switch
        {
            SayAlphaCase.None => null,
            SayAlphaCase.Lower => "l",
            SayAlphaCase.Upper => "u",
            SayAlphaCase.All => "a",
            _ => throw new ArgumentOutOfRangeException(nameof(letterCase), letterCase, "Unknown letter case mode."),
        };
        string[] arguments = caseWord is null ? [text, escapeDigits.ToString()] : [text, escapeDigits.ToString(), caseWord];
        return SayAsync(session, SayAlphaCommand, arguments, cancellationToken);
    }

    /// <summary>Says a string of digits one by one, "one two three" (SAY DIGITS).</summary>
    /// <remarks>Sends <c>SAY DIGITS digits escape_digits</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt;</c>. Leading zeros are said.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="digits">The digits, <c>0</c>–<c>9</c> only (Asterisk refuses other text with 520 or stops at it).</param>
    /// <param name="escapeDigits">The digits that stop it; <see cref="EscapeDigits.None"/> (the default) says everything.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Whether everything was said, the escape digit pressed, or <see cref="PlaybackStatus.Failed"/> when a sound file was missing.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<SayResult> SayDigitsAsync(this AgiSession session, string digits, EscapeDigits escapeDigits = default, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(digits);
        if (digits.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException("SAY DIGITS says decimal digits only: Asterisk rejects 'abc' and stops at the first non-digit of '12a'.", nameof(digits));
        }

        return SayAsync(session, SayDigitsCommand, [digits, escapeDigits.ToString()], cancellationToken);
    }

    /// <summary>Says a number as a number, "forty-two" (SAY NUMBER).</summary>
    /// <remarks>
    /// Sends <c>SAY NUMBER number escape_digits [gender]</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt;</c>. Pitfall: Asterisk
    /// requires the escape digits argument even when empty; this method always sends it (<c>""</c> for none).
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="number">The number; negative numbers are said with "minus".</param>
    /// <param name="escapeDigits">The digits that stop it; <see cref="EscapeDigits.None"/> (the default) says everything.</param>
    /// <param name="gender">For languages with grammatical gender: <c>f</c>, <c>m</c>, <c>n</c> or <c>c</c> (language-specific); <see langword="null"/> for the default.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Whether everything was said, the escape digit pressed, or <see cref="PlaybackStatus.Failed"/> when a sound file was missing.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<SayResult> SayNumberAsync(
        this AgiSession session,
        int number,
        EscapeDigits escapeDigits = default,
        string? gender = null,
        CancellationToken cancellationToken = default)
    {
        if (gender is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(gender);
        }

        string[] arguments = gender is null
            ? [Format(number), escapeDigits.ToString()]
            : [Format(number), escapeDigits.ToString(), gender];
        return SayAsync(session, SayNumberCommand, arguments, cancellationToken);
    }

    /// <summary>Spells out a string with the phonetic alphabet, "alpha bravo one" (SAY PHONETIC).</summary>
    /// <remarks>Sends <c>SAY PHONETIC text escape_digits</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt;</c>.</remarks>
    /// <param name="session">The call.</param>
    /// <param name="text">The characters to say.</param>
    /// <param name="escapeDigits">The digits that stop it; <see cref="EscapeDigits.None"/> (the default) says everything.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Whether everything was said, the escape digit pressed, or <see cref="PlaybackStatus.Failed"/> when a sound file was missing.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<SayResult> SayPhoneticAsync(this AgiSession session, string text, EscapeDigits escapeDigits = default, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        return SayAsync(session, SayPhoneticCommand, [text, escapeDigits.ToString()], cancellationToken);
    }

    /// <summary>Says the date of <paramref name="date"/>: weekday, month, day and year (SAY DATE).</summary>
    /// <remarks>
    /// Sends <c>SAY DATE unix_seconds escape_digits</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt;</c>. Pitfall: the date is said in
    /// the Asterisk server's time zone, whatever the offset of <paramref name="date"/>; use <see cref="SayDateTimeAsync"/> to choose the
    /// zone and format.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="date">The instant; sent as Unix seconds.</param>
    /// <param name="escapeDigits">The digits that stop it; <see cref="EscapeDigits.None"/> (the default) says everything.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Whether everything was said, the escape digit pressed, or <see cref="PlaybackStatus.Failed"/> when a sound file was missing.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<SayResult> SayDateAsync(this AgiSession session, DateTimeOffset date, EscapeDigits escapeDigits = default, CancellationToken cancellationToken = default)
        => SayAsync(session, SayDateCommand, [Format(date.ToUnixTimeSeconds()), escapeDigits.ToString()], cancellationToken);

    /// <summary>Says the time of day of <paramref name="time"/>: hour, minutes, AM/PM (SAY TIME).</summary>
    /// <remarks>
    /// Sends <c>SAY TIME unix_seconds escape_digits</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt;</c>. Pitfall: the time is said in
    /// the Asterisk server's time zone, whatever the offset of <paramref name="time"/>; use <see cref="SayDateTimeAsync"/> to choose the
    /// zone and format.
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="time">The instant; sent as Unix seconds.</param>
    /// <param name="escapeDigits">The digits that stop it; <see cref="EscapeDigits.None"/> (the default) says everything.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Whether everything was said, the escape digit pressed, or <see cref="PlaybackStatus.Failed"/> when a sound file was missing.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<SayResult> SayTimeAsync(this AgiSession session, DateTimeOffset time, EscapeDigits escapeDigits = default, CancellationToken cancellationToken = default)
        => SayAsync(session, SayTimeCommand, [Format(time.ToUnixTimeSeconds()), escapeDigits.ToString()], cancellationToken);

    /// <summary>Says <paramref name="time"/> in a voicemail.conf-style <paramref name="format"/>, in a chosen time zone (SAY DATETIME).</summary>
    /// <remarks>
    /// <para>
    /// Sends <c>SAY DATETIME unix_seconds escape_digits [format] [timezone]</c>; Asterisk answers <c>200 result=&lt;0|digit|-1&gt;</c>.
    /// The format letters are those of <c>voicemail.conf</c>'s <c>sayduration</c>/<c>saydate</c>: <c>A</c> weekday, <c>B</c> month,
    /// <c>d</c> day, <c>Y</c> year, <c>I</c>/<c>H</c> hour, <c>M</c> minute, <c>p</c> AM/PM, <c>'file'</c> a sound file, and so on.
    /// </para>
    /// <para>
    /// Pitfall: the time zone is the fourth argument, so it can only be sent with a format: when <paramref name="timeZone"/> is given
    /// without <paramref name="format"/>, <see cref="DefaultSayDateTimeFormat"/> is sent (Asterisk's own default for all languages but
    /// German, whose default is <c>A dBY HMS</c>).
    /// </para>
    /// </remarks>
    /// <param name="session">The call.</param>
    /// <param name="time">The instant; sent as Unix seconds.</param>
    /// <param name="escapeDigits">The digits that stop it; <see cref="EscapeDigits.None"/> (the default) says everything.</param>
    /// <param name="format">The format; <see langword="null"/> for Asterisk's default for the channel's language.</param>
    /// <param name="timeZone">An IANA zone name from <c>/usr/share/zoneinfo</c>, such as <c>Europe/Paris</c> or <c>UTC</c> (on Linux, <see cref="TimeZoneInfo.Id"/>); <see langword="null"/> for the server's zone.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Whether everything was said, the escape digit pressed, or <see cref="PlaybackStatus.Failed"/> when a sound file was missing.</returns>
    /// <exception cref="AgiHangupException">The call hung up.</exception>
    /// <exception cref="AgiCommandException">Asterisk refused the command.</exception>
    public static ValueTask<SayResult> SayDateTimeAsync(
        this AgiSession session,
        DateTimeOffset time,
        EscapeDigits escapeDigits = default,
        string? format = null,
        string? timeZone = null,
        CancellationToken cancellationToken = default)
    {
        if (timeZone is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(timeZone);
        }

        string seconds = Format(time.ToUnixTimeSeconds());
        string[] arguments = timeZone is not null
            ? [seconds, escapeDigits.ToString(), format ?? DefaultSayDateTimeFormat, timeZone]
            : format is not null ? [seconds, escapeDigits.ToString(), format] : [seconds, escapeDigits.ToString()];
        return SayAsync(session, SayDateTimeCommand, arguments, cancellationToken);
    }

    private static async ValueTask<SayResult> SayAsync(AgiSession session, string command, string[] arguments, CancellationToken cancellationToken)
    {
        AgiReply reply = await SendAsync(session, command, arguments, cancellationToken).ConfigureAwait(false);
        (PlaybackStatus status, char? digit) = await PlaybackOutcomeAsync(session, command, reply, cancellationToken).ConfigureAwait(false);
        return new SayResult(status, digit);
    }
}
