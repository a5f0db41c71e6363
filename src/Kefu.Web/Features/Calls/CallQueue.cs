using Kefu.Web.Data;
using Kefu.Web.Features.Calls.Routing;

namespace Kefu.Web.Features.Calls;

/// <summary>An ACD queue: the skill an agent needs, how an agent is chosen, ring timeout, wrap-up, overflow and the
/// callback offer (virtual hold). Edited by Admin; the live ACD picks changes up at once.</summary>
public sealed class CallQueue : IVersioned, ITimestamped
{
    /// <summary>Stable id used in CTI events and IVR leaves, e.g. "after-sales".</summary>
    public required string Id { get; set; }

    public required string Name { get; set; }
    public required string Skill { get; set; }
    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.LongestIdle;

    /// <summary>Ring time at one agent before the call goes to the next (default 3 rings = 15 s).</summary>
    public int RingTimeoutSeconds { get; set; } = 15;

    /// <summary>After-call work before the agent is offered the next call.</summary>
    public int WrapUpSeconds { get; set; } = 30;

    /// <summary>After this wait the call moves to <see cref="OverflowQueueId"/>.</summary>
    public int? OverflowAfterSeconds { get; set; }

    public string? OverflowQueueId { get; set; }

    /// <summary>When the expected wait exceeds this, the caller is offered a callback instead of waiting.</summary>
    public int? CallbackOfferAfterSeconds { get; set; } = 120;

    /// <summary>Prompt played while the caller waits.</summary>
    public string? WaitPrompt { get; set; }

    public int SortOrder { get; set; }
    public Guid Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public QueueConfig ToConfig() => new(Id, Skill, Strategy)
    {
        RingTimeout = TimeSpan.FromSeconds(RingTimeoutSeconds),
        WrapUp = TimeSpan.FromSeconds(WrapUpSeconds),
        OverflowAfter = OverflowAfterSeconds is { } s && OverflowQueueId is not null ? TimeSpan.FromSeconds(s) : null,
        OverflowQueueId = OverflowAfterSeconds is not null ? OverflowQueueId : null,
    };
}

/// <summary>
/// An agent as the call center sees them: their skills and live state, persisted so the ACD can be rebuilt after a
/// restart. Keyed by user name, which is how the CTI contract addresses agents.
/// </summary>
public sealed class AgentPresence : IVersioned, INotAudited
{
    public required string UserName { get; set; }
    public Guid UserId { get; set; }
    public AgentState State { get; set; } = AgentState.Offline;
    public DateTime StateSince { get; set; }

    /// <summary>Skills as "skill:level" separated by ';', e.g. "orders:1;after-sales:2". Level 1 is the first tier.</summary>
    public string Skills { get; set; } = "";

    public string? CurrentCallId { get; set; }
    public string? LastQueueId { get; set; }

    /// <summary>Calls answered since the agent's counter was last reset (for fewest-calls routing).</summary>
    public int CallsAnswered { get; set; }

    public Guid Version { get; set; }

    public IReadOnlyList<AgentSkill> ParseSkills() => ParseSkills(Skills);

    public static IReadOnlyList<AgentSkill> ParseSkills(string? skills)
    {
        var result = new List<AgentSkill>();
        foreach (var part in (skills ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? part : part[..colon];
            var level = colon < 0 || !int.TryParse(part[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var l) ? 1 : Math.Clamp(l, 1, 10);
            if (name.Length > 0)
            {
                result.Add(new AgentSkill(name, level));
            }
        }

        return result;
    }

    public static string FormatSkills(IEnumerable<AgentSkill> skills) =>
        string.Join(';', skills.Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Skill}:{s.Level}")));
}

/// <summary>A command for the PBX ("ring these agents", "play this menu"): returned with the event that caused it and
/// kept in order so an adapter can also long-poll <c>GET /api/v1/cti/commands</c> for commands that no event caused
/// (an agent became free, a ring timed out).</summary>
public sealed class CtiCommand : INotAudited
{
    public long Seq { get; set; }
    public required string CallId { get; set; }

    /// <summary>menu, queue, ring, cancel-ring, voicemail, hangup.</summary>
    public required string Type { get; set; }

    public string? Queue { get; set; }

    /// <summary>Agent user names, ';'-separated.</summary>
    public string? Agents { get; set; }

    public string? Prompt { get; set; }

    /// <summary>Menu options "digit=label" separated by ';'.</summary>
    public string? Options { get; set; }

    public bool OfferCallback { get; set; }
    public DateTime CreatedAt { get; set; }
}
