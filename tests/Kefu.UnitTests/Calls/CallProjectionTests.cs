using Kefu.Web.Features.Calls;
using Kefu.Web.Infrastructure;

namespace Kefu.UnitTests.Calls;

public sealed class CallProjectionTests
{
    private static readonly DateTime T0 = new(2026, 11, 23, 2, 0, 0, DateTimeKind.Utc);
    private static readonly CallTargets Targets = new();

    private static CtiEvent E(string id, string type, double seconds, string? agent = null, string? queue = null, string? digit = null, string? by = null) =>
        new() { Id = id, CallId = "c", Type = type, At = T0.AddSeconds(seconds), ReceivedAt = T0.AddMinutes(10), Agent = agent, Queue = queue, Digit = digit, By = by, From = type == CtiEventTypes.Offered ? "13800000000" : null };

    private static List<CtiEvent> AnsweredCall() =>
    [
        E("1", CtiEventTypes.Offered, 0),
        E("2", CtiEventTypes.IvrSelected, 4, digit: "2"),
        E("3", CtiEventTypes.Queued, 4, queue: "after-sales"),
        E("4", CtiEventTypes.AcdOffered, 9, agent: "a"),
        E("5", CtiEventTypes.Ringing, 9.5, agent: "a"),
        E("6", CtiEventTypes.Answered, 17, agent: "a"),
        E("7", CtiEventTypes.Held, 60),
        E("8", CtiEventTypes.Resumed, 75),
        E("9", CtiEventTypes.Ended, 137, by: "caller"),
        E("10", CtiEventTypes.AcdWrapUpEnded, 167, agent: "a"),
    ];

    [Fact]
    public void AnAnsweredCall_HasEveryDurationFromItsTimestamps()
    {
        var call = new CallRecord { Id = "c" };
        CallProjection.Apply(call, AnsweredCall(), Targets);

        Assert.Equal(CallStatus.Ended, call.Status);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        Assert.Equal("2", call.IvrPath);
        Assert.Equal(8, call.RingSeconds); // from the first ring at the agent (Kefu's offer at 9 s) to answer at 17 s
        Assert.Equal(13, call.WaitSeconds);
        Assert.Equal(15, call.HoldSeconds);
        Assert.Equal(105, call.TalkSeconds); // 120 s connected minus 15 s on hold
        Assert.Equal(30, call.WrapSeconds);
        Assert.True(call.AnsweredWithinRings);
        Assert.True(call.ReachedAgentInTarget);
        Assert.Equal(CallParty.Caller, call.EndedBy);
    }

    [Fact]
    public void EveryDeliveryOrder_ProducesTheSameRecord()
    {
        var expected = new CallRecord { Id = "c" };
        CallProjection.Apply(expected, AnsweredCall(), Targets);
        var random = new Random(42);
        for (var round = 0; round < 200; round++)
        {
            var shuffled = AnsweredCall().OrderBy(_ => random.Next()).ToList();
            var call = new CallRecord { Id = "c" };
            CallProjection.Apply(call, shuffled, Targets);
            Assert.Equal((expected.Status, expected.Outcome, expected.TalkSeconds, expected.HoldSeconds, expected.WaitSeconds, expected.RingSeconds, expected.AnsweredAt, expected.EndedAt),
                (call.Status, call.Outcome, call.TalkSeconds, call.HoldSeconds, call.WaitSeconds, call.RingSeconds, call.AnsweredAt, call.EndedAt));
        }
    }

    [Fact]
    public void AnsweringAfterFourRings_MissesTheThreeRingTarget()
    {
        var call = new CallRecord { Id = "c" };
        CallProjection.Apply(call, [E("1", CtiEventTypes.Offered, 0), E("2", CtiEventTypes.Queued, 1, queue: "q"), E("3", CtiEventTypes.Ringing, 2, agent: "a"), E("4", CtiEventTypes.Answered, 18, agent: "a")], Targets);

        Assert.Equal(16, call.RingSeconds);
        Assert.False(call.AnsweredWithinRings);
        Assert.Equal(CallStatus.Talking, call.Status);
        Assert.Null(call.Outcome);
    }

    [Fact]
    public void ARingThatTimedOut_CountsFromTheRingAtTheAgentWhoAnswered()
    {
        var call = new CallRecord { Id = "c" };
        CallProjection.Apply(call,
        [
            E("1", CtiEventTypes.Queued, 0, queue: "q"), E("2", CtiEventTypes.AcdOffered, 1, agent: "a"), E("3", CtiEventTypes.AcdRingTimeout, 16, agent: "a"),
            E("4", CtiEventTypes.AcdOffered, 16, agent: "b"), E("5", CtiEventTypes.Answered, 20, agent: "b"),
        ], Targets);

        Assert.Equal(1, call.RingNoAnswerCount);
        Assert.Equal(4, call.RingSeconds);
        Assert.Equal("b", call.Agent);
        Assert.True(call.ReachedAgentInTarget);
    }

    [Fact]
    public void ACallerWhoHangsUpWhileQueued_IsAbandoned_AndMissesTheConnectTargetOnlyAfter15Seconds()
    {
        var early = new CallRecord { Id = "c" };
        CallProjection.Apply(early, [E("1", CtiEventTypes.Offered, 0), E("2", CtiEventTypes.Queued, 3, queue: "q"), E("3", CtiEventTypes.Ended, 10, by: "caller")], Targets);
        Assert.Equal(CallOutcome.Abandoned, early.Outcome);
        Assert.Null(early.ReachedAgentInTarget);
        Assert.Equal(7, early.WaitSeconds);

        var late = new CallRecord { Id = "c" };
        CallProjection.Apply(late, [E("1", CtiEventTypes.Offered, 0), E("2", CtiEventTypes.Queued, 3, queue: "q"), E("3", CtiEventTypes.Ended, 40, by: "caller")], Targets);
        Assert.False(late.ReachedAgentInTarget);
    }

    [Fact]
    public void ACallEndedInTheMenu_EndedInIvr_AndAnOpenHoldEndsWithTheCall()
    {
        var ivr = new CallRecord { Id = "c" };
        CallProjection.Apply(ivr, [E("1", CtiEventTypes.Offered, 0), E("2", CtiEventTypes.Ended, 8, by: "caller")], Targets);
        Assert.Equal(CallOutcome.EndedInIvr, ivr.Outcome);

        var held = new CallRecord { Id = "c" };
        CallProjection.Apply(held, [E("1", CtiEventTypes.Queued, 0, queue: "q"), E("2", CtiEventTypes.Answered, 5, agent: "a"), E("3", CtiEventTypes.Held, 30), E("4", CtiEventTypes.Ended, 50)], Targets);
        Assert.Equal(20, held.HoldSeconds);
        Assert.Equal(25, held.TalkSeconds);
    }

    [Fact]
    public void ATransferToAQueue_EndsTheFirstLeg_AndTheCallWaitsAgainUntilTheNextAnswer()
    {
        var events = new List<CtiEvent>
        {
            E("1", CtiEventTypes.Queued, 0, queue: "q"), E("2", CtiEventTypes.Ringing, 1, agent: "a"), E("3", CtiEventTypes.Answered, 3, agent: "a"),
            E("4", CtiEventTypes.Transferred, 63),
        };
        events[3].Target = "queue:after-sales";
        var call = new CallRecord { Id = "c" };
        CallProjection.Apply(call, events, Targets);
        Assert.Equal(CallStatus.Queued, call.Status);
        Assert.Equal("after-sales", call.Queue);

        events.Add(E("5", CtiEventTypes.AcdOffered, 70, agent: "b"));
        events.Add(E("6", CtiEventTypes.Answered, 74, agent: "b"));
        events.Add(E("7", CtiEventTypes.Ended, 134));
        CallProjection.Apply(call, events, Targets);
        Assert.Equal(120, call.TalkSeconds); // 60 s with a, 60 s with b; the 11 s back in the queue are not talk
        Assert.Equal("b", call.Agent);
        Assert.Equal(2, call.RingSeconds); // the first answer's ring
    }

    [Fact]
    public void ATransferToAnOutsideNumber_StopsTheTalkClock()
    {
        var events = new List<CtiEvent> { E("1", CtiEventTypes.Ringing, 0, agent: "a"), E("2", CtiEventTypes.Answered, 5, agent: "a"), E("3", CtiEventTypes.Transferred, 35) };
        events[2].Target = "tel:95588";
        var call = new CallRecord { Id = "c" };
        CallProjection.Apply(call, events, Targets);
        Assert.Equal(CallStatus.TransferredOut, call.Status);
        Assert.Equal(30, call.TalkSeconds);
    }

    [Fact]
    public void AnAnswerWithoutARingOnRecord_HasNoRingTime_RatherThanAPerfectOne()
    {
        var call = new CallRecord { Id = "c" };
        CallProjection.Apply(call, [E("1", CtiEventTypes.Answered, 5, agent: "a")], Targets);
        Assert.Null(call.RingSeconds);
        Assert.Null(call.AnsweredWithinRings);
    }

    [Theory]
    [InlineData("2026-11-23T10:15:30+08:00", true)]
    [InlineData("2026-11-23T10:15:30.250+0800", true)] // Asterisk ARI's form
    [InlineData("2026-11-23T02:15:30Z", true)]
    [InlineData("2026-11-23T10:15:30", false)] // no offset: refused, not read in the server's zone
    [InlineData("yesterday", false)]
    [InlineData(null, false)]
    public void EventTimes_MustNameTheirOffset(string? text, bool accepted)
    {
        Assert.Equal(accepted, CtiEventInput.TryParseTime(text, out var at));
        if (accepted)
        {
            Assert.Equal(new DateTime(2026, 11, 23, 2, 15, 30, DateTimeKind.Utc), at.UtcDateTime, TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void RingTargets_AreConfigurable()
    {
        var fourSecondCadence = new CallTargets { RingCadenceSeconds = 4, AnswerWithinRings = 3 };
        var call = new CallRecord { Id = "c" };
        CallProjection.Apply(call, [E("1", CtiEventTypes.Ringing, 0, agent: "a"), E("2", CtiEventTypes.Answered, 13, agent: "a")], fourSecondCadence);
        Assert.False(call.AnsweredWithinRings);
        Assert.Equal(15, Targets.AnswerWithinSeconds);
    }
}

public sealed class IvrAndHotlineTests
{
    private static readonly HashSet<string> Queues = new(StringComparer.Ordinal) { "orders", "after-sales", "complaints", "general" };

    [Fact]
    public void TheDefaultMenu_IsValid_AndItsLeavesAreTheFourQueues()
    {
        var errors = new FieldErrors();
        IvrMenu.Validate(IvrMenu.Default, Queues, errors);
        Assert.False(errors.Any);
        Assert.Equal("complaints", IvrMenu.Navigate(IvrMenu.Default, ["3"])!.Queue);
        Assert.Null(IvrMenu.Navigate(IvrMenu.Default, ["7"]));
        Assert.Equal("查询订单请按1。售后服务请按2。投诉建议请按3。人工服务请按0。", IvrMenu.PromptFor(IvrMenu.Default));
    }

    [Fact]
    public void AMenu_WithDuplicateDigits_UnknownQueues_OrALeafWithoutQueue_IsRefusedNamingThePath()
    {
        IvrOption[] menu =
        [
            new("1", "订单", null, "orders", null),
            new("1", "重复", null, "orders", null),
            new("2", "更多", null, null, [new("5", "未知", null, "nowhere", null), new("12", "两位", null, "general", null)]),
            new("3", "空", null, null, null),
        ];
        var errors = new FieldErrors();
        IvrMenu.Validate(menu, Queues, errors);
        var problem = Assert.Throws<FieldValidationException>(errors.ThrowIfAny);
        Assert.Contains("menu[1].digit", problem.Errors.Keys);
        Assert.Contains("menu[2].options[0].queue", problem.Errors.Keys);
        Assert.Contains("menu[2].options[1].digit", problem.Errors.Keys);
        Assert.Contains("menu[3].queue", problem.Errors.Keys);
    }

    [Fact]
    public void ACallersWalk_SkipsWrongKeys_AndIgnoresKeysAfterTheQueueIsChosen()
    {
        IvrOption[] menu = [new("9", "更多", null, null, [new("2", "子", null, "orders", null)])];

        var walk = IvrMenu.Walk(menu, ["5", "9", "7", "2", "3"]);

        Assert.Equal("orders", walk.Node!.Queue);
        Assert.True(walk.LastKeyValid);
        Assert.False(walk.AllKeysValid);
        Assert.Null(IvrMenu.Navigate(menu, ["5", "9", "2"]));
        Assert.False(IvrMenu.Walk(menu, ["9", "4"]).LastKeyValid);
        Assert.Equal(["2"], IvrMenu.Walk(menu, ["9", "4"]).Level.Select(o => o.Digit));
    }

    [Fact]
    public void AMenu_SurvivesItsJsonRoundTrip()
    {
        var hotline = new Hotline { Number = "4008001234", Name = "h", Greeting = "g", AfterHoursPrompt = "a" };
        hotline.Menu = [new("9", "更多", "更多请按9。", null, [new("1", "子", null, "orders", null)])];
        Assert.Equal("orders", IvrMenu.Navigate(hotline.Menu, ["9", "1"])!.Queue);
        Assert.Contains("更多", hotline.MenuJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("08:00", "22:00", "1234567", 2026, 11, 23, 1, 59, true)] // 09:59 China time: open
    [InlineData("08:00", "22:00", "1234567", 2026, 11, 23, 14, 30, false)] // 22:30 China: closed
    [InlineData("22:00", "06:00", "1234567", 2026, 11, 23, 15, 0, true)] // 23:00 China, overnight shift: open
    [InlineData("00:00", "00:00", "1234567", 2026, 11, 23, 19, 0, true)] // around the clock
    [InlineData("08:00", "22:00", "12345", 2026, 11, 22, 2, 0, false)] // Sunday 10:00 China, weekdays only: closed
    public void BusinessHours_AreChinaTime_AndMayCrossMidnight(string opens, string closes, string days, int y, int m, int d, int h, int min, bool expected)
    {
        var hotline = new Hotline { Number = "1", Name = "h", Greeting = "g", AfterHoursPrompt = "a", OpensAt = opens, ClosesAt = closes, OpenDays = days };
        var utc = new DateTime(y, m, d, h, min, 0, DateTimeKind.Utc);
        Assert.Equal(expected, hotline.IsOpen(utc));
    }

    [Fact]
    public void AgentSkills_ParseAndFormat()
    {
        var skills = AgentPresence.ParseSkills(" orders:1; after-sales:3 ;general; bad:99");
        Assert.Equal([("orders", 1), ("after-sales", 3), ("general", 1), ("bad", 10)], skills.Select(s => (s.Skill, s.Level)));
        Assert.Equal("orders:1;after-sales:3;general:1;bad:10", AgentPresence.FormatSkills(skills));
    }

    [Fact]
    public void CtiEvents_AreValidatedPerType()
    {
        var errors = new FieldErrors();
        new CtiEventInput { Id = "1", Type = "call.ringing", CallId = "c", At = "2026-11-23T10:15:30+08:00" }.Validate(errors, "[0].");
        new CtiEventInput { Id = "2", Type = "transcript.segment", CallId = "c", At = "2026-11-23T02:15:30Z", Speaker = "bot", StartSeconds = 5, EndSeconds = 1 }.Validate(errors, "[1].");
        new CtiEventInput { Id = "3", Type = "call.exploded", CallId = "c" }.Validate(errors, "[2].");
        var problem = Assert.Throws<FieldValidationException>(errors.ThrowIfAny);
        Assert.Contains("[0].agent", problem.Errors.Keys);
        Assert.Contains("[1].speaker", problem.Errors.Keys);
        Assert.Contains("[1].endSeconds", problem.Errors.Keys);
        Assert.Contains("[1].text", problem.Errors.Keys);
        Assert.Contains("[2].type", problem.Errors.Keys);
        Assert.Contains("[2].at", problem.Errors.Keys);
    }
}
