namespace FastAgi.Commands;

/// <summary>The result of WAIT FOR DIGIT: a digit, a timeout, or a channel failure.</summary>
/// <param name="Status">Whether a digit came, the wait timed out, or the channel failed.</param>
/// <param name="Digit">The digit pressed (<c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>, <c>A</c>–<c>D</c>), or <see langword="null"/>.</param>
public readonly record struct WaitForDigitResult(WaitForDigitStatus Status, char? Digit);
