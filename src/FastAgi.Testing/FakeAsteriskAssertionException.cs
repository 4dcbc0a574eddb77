namespace FastAgi.Testing;

/// <summary>
/// A fake call did not go as the test expected: an unexpected command, an expectation not met, a protocol violation, a
/// timeout, or an exception in the script. The message shows expected and actual with the conversation; any test framework reports it.
/// </summary>
public sealed class FakeAsteriskAssertionException : Exception
{
    /// <summary>Creates the exception with no result.</summary>
    public FakeAsteriskAssertionException()
        : this("The fake call failed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public FakeAsteriskAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public FakeAsteriskAssertionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a finished call.</summary>
    public FakeAsteriskAssertionException(FakeCallResult result)
        : base(result?.Failure ?? "The fake call failed.", result?.ScriptException)
    {
        Result = result;
    }

    /// <summary>The call, with its commands and transcript; <see langword="null"/> when the exception is about something else.</summary>
    public FakeCallResult? Result { get; }
}
