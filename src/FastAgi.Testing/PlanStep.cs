using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>One step of a fake call's plan: an expected command, or something the caller does at that point.</summary>
internal abstract class PlanStep
{
    public sealed class Expectation(AgiExpectation expectation) : PlanStep
    {
        public AgiExpectation Value { get; } = expectation;
    }

    public sealed class CallerAction(string description, Func<AsteriskEngine, AsteriskResponse?> apply) : PlanStep
    {
        public string Description { get; } = description;

        public Func<AsteriskEngine, AsteriskResponse?> Apply { get; } = apply;
    }
}
