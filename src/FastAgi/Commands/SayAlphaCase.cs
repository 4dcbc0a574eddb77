namespace FastAgi.Commands;

/// <summary>Whether SAY ALPHA announces the case of letters (its optional third argument).</summary>
public enum SayAlphaCase
{
    /// <summary>Letters are said without their case (<c>n</c>, Asterisk's default; the argument is then not sent).</summary>
    None,

    /// <summary>"Lowercase" is said before each lower-case letter (<c>l</c>).</summary>
    Lower,

    /// <summary>"Uppercase" is said before each upper-case letter (<c>u</c>).</summary>
    Upper,

    /// <summary>The case is said before every letter (<c>a</c>).</summary>
    All,
}
