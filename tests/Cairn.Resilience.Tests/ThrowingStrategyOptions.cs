using Polly;

namespace Cairn.Resilience.Tests;

public sealed class ThrowingStrategyOptions : ResilienceStrategyOptions;
