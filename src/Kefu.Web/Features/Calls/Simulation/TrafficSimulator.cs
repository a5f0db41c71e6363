using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Kefu.Web.Features.Calls.Simulation;

/// <summary>Settings of one simulator run (the <c>simulate</c> command's options).</summary>
public sealed record SimulatorOptions
{
    public int Agents { get; init; } = 40;
    public double CallsPerHour { get; init; } = 900;
    public double Hours { get; init; } = 8;

    /// <summary>Simulated seconds per real second; 0 = as fast as the server answers.</summary>
    public double Speed { get; init; } = 600;

    public int Seed { get; init; } = 1;
    public string Hotline { get; init; } = "4008001234";

    /// <summary>Share of rings an agent lets time out (the ACD re-routes; the agent goes on break).</summary>
    public double RingNoAnswerProbability { get; init; } = 0.02;

    /// <summary>Share of answered calls solved on first contact.</summary>
    public double FirstContactResolution { get; init; } = 0.86;

    public string AdminUser { get; init; } = "admin";
    public string AdminPassword { get; init; } = "Kefu2026!";

    /// <summary>Password of the simulated agent accounts it creates (sim-agent-001 …).</summary>
    public string AgentPassword { get; init; } = "Kefu2026!";
}

/// <summary>What a run did.</summary>
public sealed record SimulatorResult(int Offered, int Answered, int Abandoned, int RingNoAnswers, int EventsPosted, TimeSpan Elapsed);

/// <summary>
/// A simulated PBX and its agents driving Kefu through the same HTTP API a real PBX adapter uses: it posts CTI events
/// for Poisson arrivals with random IVR choices, follows Kefu's commands (<c>GET /api/v1/cti/commands</c>) to ring
/// agents, answers with realistic delays and handle times, lets impatient callers hang up, posts recordings and
/// synthetic Chinese transcripts, and writes each agent's disposition. Simulated time maps to the event timestamps;
/// <paramref name="advanceClock"/>, when given, moves the server's clock along (in-process runs), otherwise the
/// simulator keeps to real time at <see cref="SimulatorOptions.Speed"/> 1.
/// </summary>
public sealed class TrafficSimulator(HttpClient http, SimulatorOptions options, DateTimeOffset start, Func<DateTimeOffset, Task>? advanceClock, TextWriter log)
{
    private readonly PriorityQueue<SimEvent, (double, long)> _events = new();
    private readonly Dictionary<string, SimCall> _calls = new(StringComparer.Ordinal);
    private readonly Random _random = new(options.Seed);
    private readonly string _run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
    private readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private long _order;
    private long _lastCommand;
    private int _eventIds;
    private int _posted;
    private double _now;

    private sealed record SimEvent(string Kind, string? CallId = null, string? Agent = null);

    private sealed class SimCall(PlannedCall plan)
    {
        public PlannedCall Plan { get; } = plan;
        public string? RingingAt { get; set; }
        public string? Agent { get; set; }
        public bool Answered { get; set; }
        public bool Ended { get; set; }
    }

    public async Task<SimulatorResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        await SignInAsync(cancellationToken);
        await PrepareAgentsAsync(cancellationToken);
        _lastCommand = (await GetCommandsAsync(cancellationToken)).Last;

        var plan = new TrafficModel(new TrafficOptions
        {
            Agents = options.Agents,
            CallsPerHour = options.CallsPerHour,
            Hours = options.Hours,
            HandleTimeDistribution = HandleTimeDistribution.LogNormal,
            Seed = options.Seed,
        }).Plan();
        foreach (var call in plan)
        {
            var id = $"sim-{_run}-{call.Sequence:D6}";
            _calls[id] = new SimCall(call with { CallId = id });
            Schedule(call.ArrivalSeconds, new SimEvent("arrive", id));
        }

        // A tick every simulated second while calls are in flight: it moves the clock (ring timeouts, wrap-up, overflow)
        // and reads commands no event of ours caused (an agent freed by the server's own timer).
        Schedule(1, new SimEvent("tick"));

        var counts = (Offered: 0, Answered: 0, Abandoned: 0, RingNoAnswers: 0);
        var lastReport = 0.0;
        while (_events.TryDequeue(out var next, out var key))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await MoveTimeAsync(key.Item1, cancellationToken);
            if (next.Kind == "tick")
            {
                if (_calls.Values.All(c => c.Ended))
                {
                    continue; // the day is over: no more ticks
                }

                Schedule(_now + 1, new SimEvent("tick"));
            }

            switch (next.Kind)
            {
                case "arrive":
                    counts.Offered++;
                    var arrival = _calls[next.CallId!];
                    await PostAsync(cancellationToken, Event("call.offered", next.CallId!, new { from = arrival.Plan.CallerPhone, to = options.Hotline }));
                    Schedule(_now + 4 + _random.NextDouble() * 8, new SimEvent("ivr", next.CallId));
                    break;
                case "ivr":
                    var ivr = _calls[next.CallId!];
                    await PostAsync(cancellationToken, Event("ivr.selected", next.CallId!, new { digit = ivr.Plan.IvrDigit }));
                    if (ivr.Plan.PatienceSeconds is { } patience)
                    {
                        Schedule(_now + patience, new SimEvent("abandon", next.CallId));
                    }

                    break;
                case "pickup":
                    var ringing = _calls[next.CallId!];
                    if (!ringing.Ended && !ringing.Answered && ringing.RingingAt == next.Agent)
                    {
                        ringing.Answered = true;
                        ringing.Agent = next.Agent;
                        counts.Answered++;
                        await PostAsync(cancellationToken, Event("call.answered", next.CallId!, new { agent = next.Agent }));
                        var plan2 = ringing.Plan;
                        if (plan2.HoldSeconds > 0)
                        {
                            var holdAt = _now + plan2.TalkSeconds / 2;
                            Schedule(holdAt, new SimEvent("hold", next.CallId));
                            Schedule(holdAt + plan2.HoldSeconds, new SimEvent("resume", next.CallId));
                        }

                        Schedule(_now + plan2.HandleSeconds, new SimEvent("end", next.CallId, next.Agent));
                    }

                    break;
                case "hold":
                    await PostAsync(cancellationToken, Event("call.held", next.CallId!));
                    break;
                case "resume":
                    await PostAsync(cancellationToken, Event("call.resumed", next.CallId!));
                    break;
                case "end":
                    await EndAnsweredAsync(_calls[next.CallId!], next.Agent!, cancellationToken);
                    break;
                case "abandon":
                    var waiting = _calls[next.CallId!];
                    if (!waiting.Answered && !waiting.Ended)
                    {
                        waiting.Ended = true;
                        counts.Abandoned++;
                        await PostAsync(cancellationToken, Event("call.ended", next.CallId!, new { by = "caller" }));
                    }

                    break;
                case "back":
                    await PutStateAsync(next.Agent!, "Available", cancellationToken);
                    break;
            }

            counts.RingNoAnswers += await FollowCommandsAsync(cancellationToken);
            if (_now - lastReport >= 1800)
            {
                lastReport = _now;
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {TimeSpan.FromSeconds(_now):hh\\:mm} simulated: {counts.Offered} offered, {counts.Answered} answered, {counts.Abandoned} abandoned"));
            }
        }

        return new SimulatorResult(counts.Offered, counts.Answered, counts.Abandoned, counts.RingNoAnswers, _posted, DateTime.UtcNow - started);
    }

    private async Task EndAnsweredAsync(SimCall call, string agent, CancellationToken cancellationToken)
    {
        call.Ended = true;
        var id = call.Plan.CallId;
        var transcript = SyntheticTranscript.Generate(call.Plan, _random, new TranscriptOptions { AgentIntroduction = agent });
        var events = new List<object> { Event("call.ended", id, new { by = _random.NextDouble() < 0.85 ? "caller" : "agent" }) };
        events.Add(Event("recording.available", id, new { uri = $"file:///var/spool/recordings/{id}.wav", durationSeconds = Math.Round(call.Plan.HandleSeconds, 1) }));
        events.AddRange(transcript.Select(s => Event("transcript.segment", id, new { speaker = s.Speaker, startSeconds = Math.Round(s.StartSeconds, 1), endSeconds = Math.Round(s.EndSeconds, 1), text = s.Text })));
        await PostAsync(cancellationToken, [.. events]);
        var solved = _random.NextDouble() < options.FirstContactResolution;
        var note = call.Plan.IvrDigit switch
        {
            "1" => "客户查询订单物流进度，已告知预计送达时间。",
            "2" => solved ? "客户咨询售后维修流程，已说明申请步骤。" : "客户申请退换货，需售后核实，已承诺 24 小时内回电。",
            "3" => "客户表示对物流延迟不满，已记录投诉并转投诉处理流程。",
            _ => "客户咨询会员积分规则，已解答。",
        };
        using var response = await http.PutAsJsonAsync($"api/v1/calls/{id}/disposition", new { solvedOnFirstContact = solved, note }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reads Kefu's new commands and plays the PBX and the agents: rings become pickups (or, rarely, a ring left
    /// to time out), a cancelled ring on an agent who timed out sends them back to work after a short break.</summary>
    private async Task<int> FollowCommandsAsync(CancellationToken cancellationToken)
    {
        var ringNoAnswers = 0;
        var (last, commands) = await GetCommandsAsync(cancellationToken);
        _lastCommand = last;
        foreach (var command in commands)
        {
            if (!_calls.TryGetValue(command.CallId, out var call))
            {
                continue; // not one of ours (a real caller, or an earlier run)
            }

            switch (command.Type)
            {
                case "ring" when command.Agents is { Count: > 0 } ringAgents && !call.Ended:
                    var agent = ringAgents[_random.Next(ringAgents.Count)];
                    call.RingingAt = agent;
                    await PostAsync(cancellationToken, Event("call.ringing", call.Plan.CallId, new { agent }));
                    if (_random.NextDouble() < options.RingNoAnswerProbability)
                    {
                        ringNoAnswers++; // the ACD's ring timeout moves the call on; the agent comes back after a break
                        Schedule(_now + 60 + _random.NextDouble() * 120, new SimEvent("back", Agent: agent));
                    }
                    else
                    {
                        Schedule(_now + 2 + _random.NextDouble() * 8, new SimEvent("pickup", call.Plan.CallId, agent));
                    }

                    break;
                case "cancel-ring":
                    call.RingingAt = null;
                    break;
            }
        }

        return ringNoAnswers;
    }

    private async Task SignInAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("api/v1/auth/token", new { userName = options.AdminUser, password = options.AdminPassword, name = "simulator" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Creates sim-agent-001 … (Agent role) where missing, gives each two or three skills so every queue is
    /// covered, and makes them Available.</summary>
    private async Task PrepareAgentsAsync(CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        using (var response = await http.GetAsync("api/v1/users?pageSize=200", cancellationToken))
        {
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var items = body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("items");
            foreach (var user in items.EnumerateArray())
            {
                existing.Add(user.GetProperty("userName").GetString()!);
            }
        }

        string[] skills = ["orders", "after-sales", "complaints", "general"];
        for (var i = 1; i <= options.Agents; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"sim-agent-{i:D3}");
            if (!existing.Contains(name))
            {
                using var created = await http.PostAsJsonAsync("api/v1/users", new
                {
                    userName = name, displayName = string.Create(CultureInfo.InvariantCulture, $"模拟坐席{i:D3}"), password = options.AgentPassword, role = "Agent",
                    workNumber = string.Create(CultureInfo.InvariantCulture, $"9{i:D3}"),
                }, cancellationToken);
                created.EnsureSuccessStatusCode();
            }

            var mine = new[] { skills[i % 4], skills[(i + 1) % 4], "general" }.Distinct(StringComparer.Ordinal)
                .Select((s, index) => new { skill = s, level = index + 1 }).ToList();
            using var set = await http.PutAsJsonAsync($"api/v1/agents/{name}/skills", new { skills = mine }, cancellationToken);
            set.EnsureSuccessStatusCode();
            await PutStateAsync(name, "Available", cancellationToken);
        }
    }

    private async Task PutStateAsync(string agent, string state, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync($"api/v1/agents/{agent}/state", new { state }, cancellationToken);
        // 409: the agent is on a call again by now — nothing to do.
        if (response.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    private sealed record CommandView(long Seq, string CallId, string Type, IReadOnlyList<string>? Agents);

    private sealed record CommandsView(long Last, IReadOnlyList<CommandView> Commands);

    private async Task<CommandsView> GetCommandsAsync(CancellationToken cancellationToken)
    {
        var all = new List<CommandView>();
        var last = _lastCommand;
        while (true)
        {
            var page = await http.GetFromJsonAsync<CommandsView>($"api/v1/cti/commands?after={last}", _json, cancellationToken)
                ?? throw new InvalidOperationException("empty commands response");
            all.AddRange(page.Commands);
            if (page.Commands.Count < 500)
            {
                return new CommandsView(page.Last, all);
            }

            last = page.Last;
        }
    }

    private Dictionary<string, object?> Event(string type, string callId, object? fields = null)
    {
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = string.Create(CultureInfo.InvariantCulture, $"{callId}:{++_eventIds}"),
            ["type"] = type,
            ["callId"] = callId,
            ["at"] = start.AddSeconds(_now).ToString("O", CultureInfo.InvariantCulture),
        };
        if (fields is not null)
        {
            foreach (var property in fields.GetType().GetProperties())
            {
                body[char.ToLowerInvariant(property.Name[0]) + property.Name[1..]] = property.GetValue(fields);
            }
        }

        return body;
    }

    private async Task PostAsync(CancellationToken cancellationToken, params object[] events)
    {
        using var response = await http.PostAsJsonAsync("api/v1/cti/events", events, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"CTI events refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        _posted += events.Length;
    }

    private void Schedule(double at, SimEvent e) => _events.Enqueue(e, (at, _order++));

    private async Task MoveTimeAsync(double to, CancellationToken cancellationToken)
    {
        if (to <= _now)
        {
            return;
        }

        if (options.Speed > 0)
        {
            var wait = TimeSpan.FromSeconds((to - _now) / options.Speed);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }
        }

        _now = to;
        if (advanceClock is not null)
        {
            await advanceClock(start.AddSeconds(_now));
        }
    }
}
