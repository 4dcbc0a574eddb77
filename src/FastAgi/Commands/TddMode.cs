namespace FastAgi.Commands;

/// <summary>The TDD (telecommunications device for the deaf) mode TDD MODE sets.</summary>
public enum TddMode
{
    /// <summary><c>off</c>: TDD transmission and reception disabled.</summary>
    Off,

    /// <summary><c>on</c>: TDD enabled.</summary>
    On,

    /// <summary><c>tdd</c>: the same as <see cref="On"/>.</summary>
    Tdd,

    /// <summary><c>mate</c>: TDD in "mate" mode (DAHDI).</summary>
    Mate,
}
