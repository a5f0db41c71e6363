namespace Kefu.Web.Features.Calls.Simulation;

/// <summary>
/// Erlang C: the M/M/c queue (Poisson arrivals at rate λ, exponential handle times with mean h = 1/μ, c agents,
/// first come first served, callers never hang up). Offered load A = λ·h erlangs; the queue is stable only when
/// A &lt; c, i.e. λ &lt; cμ.
/// </summary>
/// <remarks>
/// Computed through the Erlang B recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)), then
/// C = c·B / (c − A·(1 − B)). The recursion never forms A^c or c!, so it stays accurate for thousands of agents
/// (terms only shrink towards 0 instead of overflowing). Rates are per second and times in seconds.
/// </remarks>
public static class ErlangC
{
    /// <summary>Offered load in erlangs: A = λ·h (λ in calls per second, h the mean handle time in seconds).</summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or h is not positive (or either is not finite).</exception>
    public static double OfferedLoad(double arrivalRatePerSecond, double meanHandleSeconds)
    {
        RequireNonNegative(arrivalRatePerSecond, nameof(arrivalRatePerSecond));
        RequirePositive(meanHandleSeconds, nameof(meanHandleSeconds));
        return arrivalRatePerSecond * meanHandleSeconds;
    }

    /// <summary>
    /// Erlang B, the blocking probability of an M/M/c/c loss system:
    /// B(A, c) = (A^c/c!) / Σ_{k=0..c} A^k/k!, computed by the recursion B(0) = 1, B(k) = A·B(k−1)/(k + A·B(k−1)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A is negative or not finite, or c is negative.</exception>
    public static double ErlangB(double offeredLoad, int agents)
    {
        RequireNonNegative(offeredLoad, nameof(offeredLoad));
        ArgumentOutOfRangeException.ThrowIfNegative(agents);
        var b = 1.0;
        for (var k = 1; k <= agents; k++)
            b = NextErlangB(b, offeredLoad, k);
        return b;
    }

    /// <summary>
    /// Erlang C, the probability that a call has to wait: P(W &gt; 0) = (A^c/c!)·(c/(c−A)) / (Σ_{k=0..c−1} A^k/k! + (A^c/c!)·(c/(c−A))),
    /// evaluated as C = c·B / (c − A·(1 − B)) with B the Erlang B value.
    /// </summary>
    /// <param name="offeredLoad">A = λ·h in erlangs.</param>
    /// <param name="agents">c, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">Bad input, or an unstable queue (A ≥ c).</exception>
    public static double ProbabilityOfWaiting(double offeredLoad, int agents)
    {
        RequireStable(offeredLoad, agents);
        return ProbabilityOfWaitingFromErlangB(ErlangB(offeredLoad, agents), offeredLoad, agents);
    }

    /// <summary>Erlang C for λ calls per second, mean handle time h seconds and c agents: P(W &gt; 0) with A = λ·h
    /// (see <see cref="ProbabilityOfWaiting(double, int)"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad input, or an unstable queue (λ ≥ cμ).</exception>
    public static double ProbabilityOfWaiting(double arrivalRatePerSecond, double meanHandleSeconds, int agents) =>
        ProbabilityOfWaiting(OfferedLoad(arrivalRatePerSecond, meanHandleSeconds), agents);

    /// <summary>
    /// Service level, the probability that a call waits at most t seconds: P(W ≤ t) = 1 − P(W &gt; 0)·e^{−(cμ−λ)·t},
    /// with μ = 1/h.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad input (t negative), or an unstable queue (λ ≥ cμ).</exception>
    public static double ServiceLevel(double arrivalRatePerSecond, double meanHandleSeconds, int agents, double thresholdSeconds)
    {
        RequireNonNegative(thresholdSeconds, nameof(thresholdSeconds));
        var pw = ProbabilityOfWaiting(arrivalRatePerSecond, meanHandleSeconds, agents);
        return ServiceLevelFromPw(pw, arrivalRatePerSecond, meanHandleSeconds, agents, thresholdSeconds);
    }

    /// <summary>Average speed of answer, the mean wait over all calls: ASA = P(W &gt; 0) / (cμ − λ) seconds, μ = 1/h.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad input, or an unstable queue (λ ≥ cμ).</exception>
    public static double AverageSpeedOfAnswer(double arrivalRatePerSecond, double meanHandleSeconds, int agents)
    {
        var pw = ProbabilityOfWaiting(arrivalRatePerSecond, meanHandleSeconds, agents);
        return pw / ((agents / meanHandleSeconds) - arrivalRatePerSecond);
    }

    /// <summary>
    /// The fewest agents c with A &lt; c whose service level 1 − P(W &gt; 0)·e^{−(cμ−λ)·t} reaches
    /// <paramref name="targetServiceLevel"/> (e.g. 0.8 for "80 % answered within 20 s").
    /// </summary>
    /// <remarks>Walks c upwards from ⌊A⌋ + 1, extending the Erlang B recursion one step per candidate, so the whole
    /// search is linear in the answer.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Bad input; the target must lie in (0, 1).</exception>
    public static int AgentsNeeded(double arrivalRatePerSecond, double meanHandleSeconds, double thresholdSeconds, double targetServiceLevel)
    {
        var load = OfferedLoad(arrivalRatePerSecond, meanHandleSeconds);
        RequireNonNegative(thresholdSeconds, nameof(thresholdSeconds));
        if (!(targetServiceLevel > 0 && targetServiceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(targetServiceLevel), targetServiceLevel, "The target service level must lie strictly between 0 and 1.");
        if (load == 0)
            return 1; // no traffic: one agent answers every (hypothetical) call at once.

        // Far beyond any real centre; only reachable with an absurd load or a target a hair below 1.
        const int limit = 10_000_000;
        var agents = (int)Math.Floor(load) + 1;
        if (agents > limit)
            throw new ArgumentOutOfRangeException(nameof(arrivalRatePerSecond), load, "The offered load is too large.");
        var b = ErlangB(load, agents);
        while (true)
        {
            var pw = ProbabilityOfWaitingFromErlangB(b, load, agents);
            if (ServiceLevelFromPw(pw, arrivalRatePerSecond, meanHandleSeconds, agents, thresholdSeconds) >= targetServiceLevel)
                return agents;
            if (++agents > limit)
                throw new ArgumentOutOfRangeException(nameof(targetServiceLevel), targetServiceLevel, "No staffing up to the search limit reaches the target.");
            b = NextErlangB(b, load, agents);
        }
    }

    private static double NextErlangB(double previous, double load, int agents)
    {
        var ab = load * previous;
        return ab / (agents + ab);
    }

    private static double ProbabilityOfWaitingFromErlangB(double erlangB, double load, int agents) =>
        agents * erlangB / (agents - (load * (1 - erlangB)));

    private static double ServiceLevelFromPw(double pw, double arrivalRatePerSecond, double meanHandleSeconds, int agents, double thresholdSeconds)
    {
        var drain = (agents / meanHandleSeconds) - arrivalRatePerSecond; // cμ − λ, positive for a stable queue
        return 1 - (pw * Math.Exp(-drain * thresholdSeconds));
    }

    private static void RequireStable(double offeredLoad, int agents)
    {
        RequireNonNegative(offeredLoad, nameof(offeredLoad));
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        if (offeredLoad >= agents)
            throw new ArgumentOutOfRangeException(nameof(offeredLoad), offeredLoad,
                $"Unstable queue: an offered load of {offeredLoad:0.###} erlangs needs more than {agents} agents (λ must be below cμ).");
    }

    private static void RequireNonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, "Must be a finite, non-negative number.");
    }

    private static void RequirePositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, "Must be a finite, positive number.");
    }
}
