using Microsoft.Extensions.Compliance.Classification;

namespace FastAgi.Diagnostics;

/// <summary>
/// The kinds of call data FastAgi redacts in logs and traces. Configure how each is redacted with
/// <c>services.AddRedaction(r => r.SetRedactor&lt;T&gt;(AgiDataClassifications.CallerInput))</c>; by default both are masked.
/// </summary>
public static class AgiDataClassifications
{
    /// <summary>The taxonomy FastAgi's classifications belong to.</summary>
    public const string TaxonomyName = "FastAgi";

    /// <summary>What the caller keyed: the digits of GET DATA, WAIT FOR DIGIT, GET OPTION, menus and playback interrupts (card numbers, PINs).</summary>
    public static DataClassification CallerInput { get; } = new(TaxonomyName, nameof(CallerInput));

    /// <summary>The values of the variables and query parameters named in <see cref="Hosting.AgiServerOptions.RedactedVariables"/> and <see cref="Hosting.AgiServerOptions.RedactedQueryParameters"/>.</summary>
    public static DataClassification Sensitive { get; } = new(TaxonomyName, nameof(Sensitive));
}
