using System.Diagnostics;
using System.Globalization;
using Bogus;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Calls.Simulation;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Customers;
using Kefu.Web.Features.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Insights.Generation;

/// <summary>What to generate: a period of a call center's history ending at <see cref="End"/>.</summary>
public sealed record GeneratorOptions
{
    public long Calls { get; init; } = 100_000;
    public long Complaints { get; init; } = 10_000;
    public int Months { get; init; } = 12;
    public int Seats { get; init; } = 300;
    public int Seed { get; init; } = 1;

    /// <summary>End of the generated period (exclusive, rounded down to the hour); null: now.</summary>
    public DateTime? End { get; init; }
}

/// <summary>What a run wrote.</summary>
public sealed record GeneratorResult(
    DateTime From, DateTime To, long Calls, long SurveyInvitations, long SurveyAnswers, long Customers, long Complaints, long Deadlines, long Findings,
    long CallRollupRows, long SurveyRollupRows, TimeSpan Elapsed, IReadOnlyList<string> Checks, bool ChecksPassed);

/// <summary>
/// Fills a store with the history of a call center: calls whose timestamps and derived fields are what the CTI projection
/// would have made of their events (IVR, queue, ring, answer, hold, hang-up, wrap-up), call surveys, customers and complaints
/// with categories, deadlines, root causes and responsibility findings. The distributions are the call-center simulator's
/// (<see cref="TrafficOptions"/>: IVR menu weights, log-normal handle time, exponential patience and hold, survey agreement);
/// names and texts come from Bogus. Rows go in by bulk load (<see cref="BulkSession"/>), and the hourly rollups are summed
/// while generating and loaded alongside, so the store is ready for the dashboards without a rebuild.
/// </summary>
public sealed class DataGenerator(IServiceProvider services, TextWriter log)
{
    /// <summary>Relative call volume per China hour of day (a service line open around the clock, busy 9–12 and 14–17).</summary>
    private static readonly double[] HourProfile =
        [0.15, 0.1, 0.08, 0.06, 0.06, 0.1, 0.3, 0.7, 1.3, 2.0, 2.2, 2.1, 1.5, 1.6, 2.0, 2.1, 1.9, 1.6, 1.2, 1.0, 0.9, 0.7, 0.45, 0.25];

    private static readonly string[] RootCauses =
    [
        "仓库分拣错误", "快递公司延误", "商品质检漏检", "退款审核流程过长", "客服未按承诺回电", "系统故障导致重复扣费", "商品描述与实物不符", "售后配件缺货",
        "坐席话术不规范", "物流信息未及时更新", "促销规则说明不清", "维修工程师上门迟到", "包装强度不足", "发票开具延迟", "账户权限配置错误",
        "第三方支付通道故障", "库存数据不同步", "安装说明缺失", "退货地址错误", "会员积分未到账",
    ];

    private static readonly (ComplaintSeverity Value, double Weight)[] Severities =
        [(ComplaintSeverity.Low, 0.35), (ComplaintSeverity.Medium, 0.45), (ComplaintSeverity.High, 0.15), (ComplaintSeverity.Critical, 0.05)];

    private static readonly (ComplaintChannel Value, double Weight)[] Channels =
        [(ComplaintChannel.Phone, 0.55), (ComplaintChannel.Web, 0.2), (ComplaintChannel.Email, 0.1), (ComplaintChannel.Chat, 0.12), (ComplaintChannel.InPerson, 0.03)];

    private static readonly (int Rating, double Weight)[] RatingWeights = [(5, 0.62), (4, 0.24), (3, 0.07), (2, 0.04), (1, 0.03)];

    public async Task<GeneratorResult> RunAsync(GeneratorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Calls < 0 || options.Complaints < 0 || options.Months is < 1 or > 120 || options.Seats is < 1 or > 5000)
        {
            throw new ArgumentException("generate: --calls ≥ 0, --complaints ≥ 0, --months 1–120, --seats 1–5000", nameof(options));
        }

        var watch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<KefuDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        var clock = sp.GetRequiredService<TimeProvider>();
        var targets = sp.GetRequiredService<IOptions<CallTargets>>().Value;
        var kpi = sp.GetRequiredService<IOptions<KpiOptions>>().Value;
        var surveyOptions = sp.GetRequiredService<IOptions<SurveyOptions>>().Value;
        var now = options.End ?? clock.GetUtcNow().UtcDateTime;
        var end = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);
        var start = end.AddMonths(-options.Months);
        var firstHour = CallKpiRollup.HourOf(start);
        var lastHour = CallKpiRollup.HourOf(end);
        if (options.Calls > 0 && await db.Set<CallKpiRollup>().AnyAsync(r => r.Hour >= firstHour && r.Hour < lastHour && r.Offered > 0, cancellationToken)
            || (options.Calls > 0 && await db.Set<CallSurveyRollup>().AnyAsync(r => r.Hour >= firstHour && r.Hour < lastHour, cancellationToken)))
        {
            throw new InvalidOperationException($"The store already has calls offered between {start:O} and {end:O}: generate into an empty store or pass --end before them.");
        }

        var run = options.Seed.ToString(CultureInfo.InvariantCulture) + "-" + end.ToString("yyMMddHH", CultureInfo.InvariantCulture);
        var random = new Random(options.Seed);
        var faker = new Faker("zh_CN") { Random = new Randomizer(options.Seed) };
        var traffic = new TrafficOptions { HandleTimeDistribution = HandleTimeDistribution.LogNormal };
        var agents = Enumerable.Range(1, options.Seats).Select(i => "agent" + i.ToString("000", CultureInfo.InvariantCulture)).ToArray();
        var weights = Hours(start, end);
        var reasonsBad = surveyOptions.EffectiveReasons.Where(r => !r.Positive).Select(r => r.Code).ToArray();
        var reasonsGood = surveyOptions.EffectiveReasons.Where(r => r.Positive).Select(r => r.Code).ToArray();

        long calls = 0, invitations = 0, answers = 0, callRollups = 0, surveyRollups = 0;
        await using (var session = new BulkSession(db))
        {
            await using var callWriter = await session.OpenAsync<CallRecord>(cancellationToken);
            await using var surveyWriter = await session.OpenAsync<SurveyInvitation>(cancellationToken);
            await using var rollupWriter = await session.OpenAsync<CallKpiRollup>(cancellationToken);
            await using var queueRollupWriter = await session.OpenAsync<CallKpiQueueRollup>(cancellationToken);
            await using var surveyRollupWriter = await session.OpenAsync<CallSurveyRollup>(cancellationToken);
            var cumulative = 0.0;
            var total = weights.Sum();
            for (var h = 0; h < weights.Length; h++)
            {
                cumulative += weights[h];
                var count = (long)Math.Round(options.Calls * cumulative / total) - calls;
                var hourStart = start.AddHours(h);
                var tallies = new Dictionary<CallKpiRollups.Key, CallTally>();
                var rated = new Dictionary<CallKpiRollups.Key, CallSurveyRollup>();
                // Busier hours wait longer: mean wait grows with the hour's share of the day.
                var load = weights[h] / (total / weights.Length);
                var offsets = new double[count];
                for (var i = 0; i < count; i++)
                {
                    offsets[i] = random.NextDouble() * 3600;
                }

                Array.Sort(offsets);
                foreach (var offset in offsets)
                {
                    var call = Call(run + "-" + calls.ToString("D9", CultureInfo.InvariantCulture), hourStart.AddSeconds(offset), load, random, faker, traffic, agents,
                        targets, end);
                    await callWriter.WriteAsync(call, cancellationToken);
                    CallKpiRollups.Accumulate(tallies, CallFacts.Of(call), 1, targets, kpi);
                    calls++;
                    if (call.SurveyConsent == true && call.EndedAt is { } ended && call.AnsweredAt is not null)
                    {
                        var invitation = Invitation(call, ended, random, reasonsBad, reasonsGood, end);
                        await surveyWriter.WriteAsync(invitation, cancellationToken);
                        invitations++;
                        if (invitation.Rating is { } rating)
                        {
                            var key = new CallKpiRollups.Key(CallKpiRollup.HourOf(call.OfferedAt!.Value), call.Queue ?? "", call.Agent ?? "");
                            if (!rated.TryGetValue(key, out var row))
                            {
                                rated[key] = row = new CallSurveyRollup { Hour = key.Hour, Queue = key.Queue, Agent = key.Agent };
                            }

                            row.Count(rating, 1);
                            answers++;
                        }
                    }
                }

                var byQueue = new Dictionary<string, CallKpiQueueRollup>(StringComparer.Ordinal);
                foreach (var (key, tally) in tallies)
                {
                    var row = new CallKpiRollup { Hour = key.Hour, Queue = key.Queue, Agent = key.Agent };
                    row.Add(tally);
                    await rollupWriter.WriteAsync(row, cancellationToken);
                    if (!byQueue.TryGetValue(key.Queue, out var queueRow))
                    {
                        byQueue[key.Queue] = queueRow = new CallKpiQueueRollup { Hour = key.Hour, Queue = key.Queue };
                    }

                    queueRow.Add(tally);
                }

                foreach (var row in byQueue.Values)
                {
                    await queueRollupWriter.WriteAsync(row, cancellationToken);
                }

                foreach (var row in rated.Values)
                {
                    await surveyRollupWriter.WriteAsync(row, cancellationToken);
                }

                callRollups += tallies.Count;
                surveyRollups += rated.Count;
                if (h % 720 == 719)
                {
                    await log.WriteLineAsync($"  {hourStart:yyyy-MM}: {calls:N0} calls so far ({watch.Elapsed.TotalSeconds:0}s)");
                }
            }

            await callWriter.CompleteAsync(cancellationToken);
            await surveyWriter.CompleteAsync(cancellationToken);
            await rollupWriter.CompleteAsync(cancellationToken);
            await queueRollupWriter.CompleteAsync(cancellationToken);
            await surveyRollupWriter.CompleteAsync(cancellationToken);
            await session.CommitAsync(cancellationToken);
        }

        await log.WriteLineAsync($"  calls done: {calls:N0} calls, {invitations:N0} survey invitations ({watch.Elapsed.TotalSeconds:0}s)");
        var (customers, complaints, deadlines, findings) = await ComplaintsAsync(db, options, run, start, end, weights, random, faker, cancellationToken);
        await EnsureRollupStateAsync(db, targets, kpi, clock, cancellationToken);
        await log.WriteLineAsync($"  complaints done: {complaints:N0} ({watch.Elapsed.TotalSeconds:0}s); checking rollups against the raw rows…");
        var checks = await CheckAsync(db, start, end, agents[0], targets, kpi, surveyOptions.SatisfiedMinRating, cancellationToken);
        return new GeneratorResult(start, end, calls, invitations, answers, customers, complaints, deadlines, findings, callRollups, surveyRollups, watch.Elapsed,
            checks.Select(c => c.Line).ToList(), checks.All(c => c.Equal));
    }

    /// <summary>The relative volume of each hour of the period (China hour of day; weekends at 70 %).</summary>
    private static double[] Hours(DateTime start, DateTime end)
    {
        var hours = (int)(end - start).TotalHours;
        var weights = new double[hours];
        for (var h = 0; h < hours; h++)
        {
            var china = ComplaintTime.ToChina(start.AddHours(h));
            weights[h] = HourProfile[china.Hour] * (china.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.7 : 1.0);
        }

        return weights;
    }

    private static CallRecord Call(string id, DateTime offered, double load, Random random, Faker faker, TrafficOptions traffic, string[] agents,
        CallTargets targets, DateTime end)
    {
        var choice = Pick(random, traffic.IvrChoices.Select(c => (c, c.Weight)).ToArray());
        var call = new CallRecord
        {
            Id = id, From = faker.Phone.PhoneNumber("1##########"), To = "4008008000", Status = CallStatus.Ended, OfferedAt = offered,
            IvrAt = offered.AddSeconds(1), IvrPath = choice.Digit, Queue = choice.QueueId, Version = Guid.NewGuid(), CreatedAt = offered,
        };
        var ivrSeconds = 8 + (random.NextDouble() * 25);
        if (random.NextDouble() < 0.08)
        {
            // Self-service in the IVR: never asks for an agent.
            call.EndedAt = offered.AddSeconds(ivrSeconds + (random.NextDouble() * 60));
            call.Outcome = CallOutcome.EndedInIvr;
            call.EndedBy = CallParty.Caller;
            return Finish(call, end);
        }

        var queued = offered.AddSeconds(ivrSeconds);
        call.QueuedAt = queued;
        if (random.NextDouble() < 0.02)
        {
            call.CallbackRequested = true;
            call.Outcome = CallOutcome.CallbackRequested;
            call.EndedAt = queued.AddSeconds(5 + (random.NextDouble() * 40));
            call.EndedBy = CallParty.Caller;
            return Finish(call, end);
        }

        // Time until an agent is free: exponential, longer in busy hours; the ring at the agent is part of it.
        var wait = Exponential(random, 4 + (9 * load));
        var ring = 2 + (random.NextDouble() < 0.1 ? random.NextDouble() * 18 : random.NextDouble() * 9);
        var patience = Exponential(random, traffic.MeanPatienceSeconds ?? 60);
        var ringingAfter = Math.Max(0, wait - ring);
        if (patience < wait)
        {
            call.Outcome = CallOutcome.Abandoned;
            call.EndedBy = CallParty.Caller;
            call.EndedAt = queued.AddSeconds(patience);
            call.WaitSeconds = (int)Math.Round(patience);
            if (patience > ringingAfter)
            {
                call.RingingAt = queued.AddSeconds(ringingAfter);
            }

            call.ReachedAgentInTarget = call.RingingAt is { } r ? (r - queued).TotalSeconds <= targets.ConnectWithinSeconds
                : patience >= targets.ConnectWithinSeconds ? false : null;
            return Finish(call, end);
        }

        call.RingingAt = queued.AddSeconds(ringingAfter);
        call.AnsweredAt = queued.AddSeconds(wait);
        call.Agent = agents[random.Next(agents.Length)];
        call.RingSeconds = (int)Math.Round(wait - ringingAfter);
        call.WaitSeconds = (int)Math.Round(wait);
        call.AnsweredWithinRings = (wait - ringingAfter) <= targets.AnswerWithinSeconds;
        call.ReachedAgentInTarget = ringingAfter <= targets.ConnectWithinSeconds;
        call.RingNoAnswerCount = random.NextDouble() < 0.03 ? 1 : 0;
        var sigma = traffic.HandleTimeSigma;
        var handle = Math.Max(15, traffic.MeanHandleSeconds * Math.Exp((sigma * Normal(random)) - (sigma * sigma / 2)));
        var hold = random.NextDouble() < traffic.HoldProbability ? Math.Min(handle / 2, Exponential(random, traffic.MeanHoldSeconds)) : 0;
        call.HoldSeconds = (int)Math.Round(hold);
        call.TalkSeconds = (int)Math.Round(handle - hold);
        call.EndedAt = call.AnsweredAt.Value.AddSeconds(handle);
        call.EndedBy = random.NextDouble() < 0.7 ? CallParty.Caller : CallParty.Agent;
        call.Outcome = CallOutcome.Answered;
        var wrap = 10 + Exponential(random, 25);
        call.WrapSeconds = (int)Math.Round(wrap);
        call.WrapUpEndedAt = call.EndedAt.Value.AddSeconds(wrap);
        call.SolvedOnFirstContact = random.NextDouble() < 0.82;
        call.DispositionBy = call.Agent;
        call.DispositionAt = call.WrapUpEndedAt;
        call.IdentityCheck = random.NextDouble() < 0.6 ? IdentityCheckResult.Verified : IdentityCheckResult.NotNeeded;
        call.SurveyConsent = random.NextDouble() < traffic.SurveyAgreementProbability;
        call.Note = choice.Label + "：" + faker.Commerce.ProductName();
        return Finish(call, end);
    }

    /// <summary>A call still going on at the end of the period is cut to what had happened by then (as the projection would show it).</summary>
    private static CallRecord Finish(CallRecord call, DateTime end)
    {
        // Whole milliseconds: PostgreSQL keeps microseconds, and the rollups must count what the store gives back.
        call.OfferedAt = Milliseconds(call.OfferedAt);
        call.IvrAt = Milliseconds(call.IvrAt);
        call.QueuedAt = Milliseconds(call.QueuedAt);
        call.RingingAt = Milliseconds(call.RingingAt);
        call.AnsweredAt = Milliseconds(call.AnsweredAt);
        call.EndedAt = Milliseconds(call.EndedAt);
        call.WrapUpEndedAt = Milliseconds(call.WrapUpEndedAt);
        call.DispositionAt = Milliseconds(call.DispositionAt);
        if (call.WrapUpEndedAt > end)
        {
            call.WrapUpEndedAt = null;
            call.WrapSeconds = null;
            call.DispositionAt = null;
        }

        if (call.EndedAt > end)
        {
            call.EndedAt = null;
            call.EndedBy = null;
            call.Outcome = null;
            call.Status = call.AnsweredAt is null ? CallStatus.Queued : CallStatus.Talking;
            call.TalkSeconds = null;
            call.SurveyConsent = null;
        }

        if (call.AnsweredAt > end)
        {
            call.AnsweredAt = null;
            call.Agent = null;
            call.AnsweredWithinRings = null;
            call.SolvedOnFirstContact = null;
            call.Status = CallStatus.Queued;
        }

        call.UpdatedAt = call.WrapUpEndedAt ?? call.EndedAt ?? call.AnsweredAt ?? call.QueuedAt ?? call.OfferedAt!.Value;
        return call;
    }

    private static SurveyInvitation Invitation(CallRecord call, DateTime ended, Random random, string[] bad, string[] good, DateTime end)
    {
        var invitation = new SurveyInvitation
        {
            Id = V7(ended), Kind = SurveyKinds.Call, SourceKey = "call:" + call.Id, CallId = call.Id, Agent = call.Agent, Queue = call.Queue,
            Channel = "sms", CreatedAt = ended, ExpiresAt = ended.AddDays(7), TokenHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
        };
        var answeredAt = ended.AddMinutes(Exponential(random, 90));
        if (random.NextDouble() < 0.6 && answeredAt < end)
        {
            var rating = Pick(random, RatingWeights.Select(r => (r.Rating, r.Weight)).ToArray());
            invitation.AnsweredAt = answeredAt;
            invitation.Rating = rating;
            var reasons = rating >= 4 ? good : bad;
            if (random.NextDouble() < 0.7)
            {
                invitation.Reasons = string.Join(',', reasons.OrderBy(_ => random.Next()).Take(1 + random.Next(2)));
            }
        }

        return invitation;
    }

    private async Task<(long Customers, long Complaints, long Deadlines, long Findings)> ComplaintsAsync(KefuDbContext db, GeneratorOptions options, string run,
        DateTime start, DateTime end, double[] weights, Random random, Faker faker, CancellationToken cancellationToken)
    {
        if (options.Complaints == 0)
        {
            return (0, 0, 0, 0);
        }

        var categories = await db.ComplaintCategories.AsNoTracking().Select(c => new { c.Id, c.Name, c.ParentId }).ToListAsync(cancellationToken);
        var leaves = categories.Where(c => !categories.Any(k => k.ParentId == c.Id)).ToList();
        // Pareto: a few categories carry most complaints.
        var categoryWeights = leaves.Select((c, i) => ((c.Id, c.Name), 1.0 / (i + 1))).ToArray();
        var departments = await db.Departments.AsNoTracking().Select(d => d.Id).ToListAsync(cancellationToken);
        var owner = await OwnerAsync(db, departments, cancellationToken);
        var customerCount = Math.Clamp(options.Complaints / 4, 1, 250_000);
        var customers = new Guid[customerCount];
        long complaints = 0, deadlines = 0, findings = 0;
        await using (var session = new BulkSession(db))
        {
            await using (var customerWriter = await session.OpenAsync<Customer>(cancellationToken))
            {
                for (var i = 0; i < customerCount; i++)
                {
                    var created = start.AddSeconds(random.NextDouble() * (end - start).TotalSeconds / 2);
                    var customer = new Customer { Id = V7(created), Name = faker.Name.FullName(), Version = Guid.NewGuid(), CreatedAt = created, UpdatedAt = created };
                    customers[i] = customer.Id;
                    await customerWriter.WriteAsync(customer, cancellationToken);
                }

                await customerWriter.CompleteAsync(cancellationToken);
            }

            await session.CommitAsync(cancellationToken);
            await using var complaintWriter = await session.OpenAsync<Complaint>(cancellationToken);
            await using var deadlineWriter = await session.OpenAsync<ComplaintDeadline>(cancellationToken);
            await using var findingWriter = await session.OpenAsync<ResponsibilityFinding>(cancellationToken);
            var total = weights.Sum();
            var cumulative = 0.0;
            for (var h = 0; h < weights.Length; h++)
            {
                cumulative += weights[h];
                var count = (long)Math.Round(options.Complaints * cumulative / total) - complaints;
                var hourStart = start.AddHours(h);
                for (var i = 0; i < count; i++)
                {
                    var created = hourStart.AddSeconds(random.NextDouble() * 3600);
                    var (categoryId, categoryName) = Pick(random, categoryWeights);
                    var severity = Pick(random, Severities.Select(s => (s.Value, s.Weight)).ToArray());
                    var closedAt = created.AddHours(Math.Exp(Math.Log(40) + (0.9 * Normal(random))));
                    var closes = random.NextDouble() < 0.9 && closedAt < end;
                    var complaint = new Complaint
                    {
                        Id = V7(created), Number = "G" + run + "-" + complaints.ToString("D8", CultureInfo.InvariantCulture),
                        CustomerId = customers[random.Next(customers.Length)], Channel = Pick(random, Channels.Select(c => (c.Value, c.Weight)).ToArray()),
                        CategoryId = categoryId, Severity = severity, Urgency = severity >= ComplaintSeverity.High ? ComplaintUrgency.High : ComplaintUrgency.Normal,
                        Summary = categoryName + "：" + faker.Commerce.ProductName() + "，" + faker.Lorem.Sentence(6),
                        Step = closes ? ComplaintStep.Closed : (ComplaintStep)(1 + random.Next(6)), OwnerId = owner,
                        OwnerDepartmentId = departments.Count == 0 ? null : departments[random.Next(departments.Count)],
                        IsRepeat = random.NextDouble() < 0.08, IsEscalated = random.NextDouble() < 0.05, ReopenCount = random.NextDouble() < 0.03 ? 1 : 0,
                        ClosedAt = closes ? closedAt : null, CreatedAt = created, UpdatedAt = closes ? closedAt : created, Version = Guid.NewGuid(),
                    };
                    if (closes || complaint.Step >= ComplaintStep.Plan)
                    {
                        complaint.RootCause = RootCauses[(int)Math.Min(RootCauses.Length - 1, Exponential(random, 4))];
                        complaint.Verdict = random.NextDouble() < 0.6 ? ResponsibilityVerdict.CompanyLiable : ResponsibilityVerdict.NoFault;
                    }

                    await complaintWriter.WriteAsync(complaint, cancellationToken);
                    complaints++;
                    var firstDue = created.AddHours(4);
                    var firstMet = created.AddHours(Exponential(random, 2.2));
                    await deadlineWriter.WriteAsync(new ComplaintDeadline
                    {
                        Id = V7(created), ComplaintId = complaint.Id, Kind = DeadlineKind.FirstResponse, DueAt = firstDue, Description = "首次响应",
                        CreatedAt = created, MetAt = firstMet < end ? firstMet : null, Version = Guid.NewGuid(),
                    }, cancellationToken);
                    await deadlineWriter.WriteAsync(new ComplaintDeadline
                    {
                        Id = V7(created), ComplaintId = complaint.Id, Kind = DeadlineKind.Resolution, DueAt = created.AddHours(72), Description = "解决时限",
                        CreatedAt = created, MetAt = complaint.ClosedAt, Version = Guid.NewGuid(),
                    }, cancellationToken);
                    deadlines += 2;
                    if (complaint.Verdict == ResponsibilityVerdict.CompanyLiable && departments.Count > 0)
                    {
                        await findingWriter.WriteAsync(new ResponsibilityFinding
                        {
                            Id = V7(created), ComplaintId = complaint.Id, Side = FindingSide.Company, Description = complaint.RootCause!,
                            DepartmentId = departments[random.Next(departments.Count)],
                        }, cancellationToken);
                        findings++;
                    }
                }

                if (h % 720 == 719)
                {
                    await log.WriteLineAsync($"  {hourStart:yyyy-MM}: {complaints:N0} complaints so far");
                }
            }

            await complaintWriter.CompleteAsync(cancellationToken);
            await deadlineWriter.CompleteAsync(cancellationToken);
            await findingWriter.CompleteAsync(cancellationToken);
            await session.CommitAsync(cancellationToken);
        }

        return (customerCount, complaints, deadlines, findings);
    }

    /// <summary>The owner of generated complaints: the first administrator or supervisor, else a generated supervisor account.</summary>
    private async Task<Guid> OwnerAsync(KefuDbContext db, List<Guid> departments, CancellationToken cancellationToken)
    {
        var existing = await db.Users.AsNoTracking().OrderBy(u => u.UserName).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is { } id)
        {
            return id;
        }

        await using var scope = services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        await administration.CreateAsync(new UserAdministration.NewUser("generated-owner", "生成数据负责人", Convert.ToHexString(Guid.NewGuid().ToByteArray()) + "a!A",
            KefuRoles.Supervisor, departments.Count == 0 ? null : departments[0], null, null), cancellationToken);
        return await db.Users.AsNoTracking().Where(u => u.UserName == "generated-owner").Select(u => u.Id).SingleAsync(cancellationToken);
    }

    /// <summary>The rollups were summed as the calls were written: record that they match the current thresholds (no rebuild at start).</summary>
    private static async Task EnsureRollupStateAsync(KefuDbContext db, CallTargets targets, KpiOptions kpi, TimeProvider clock, CancellationToken cancellationToken)
    {
        var wanted = CallKpiRollups.Thresholds(targets, kpi);
        var state = await db.Set<CallKpiRollupState>().SingleOrDefaultAsync(s => s.Id == 1, cancellationToken);
        if (state is null)
        {
            db.Add(new CallKpiRollupState { Thresholds = wanted, RebuiltAt = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (state.Thresholds != wanted)
        {
            // Rollups of earlier data were counted with other thresholds: recount everything now rather than at the next start.
            await CallKpiRollups.RebuildAsync(db, targets, kpi, clock, cancellationToken);
        }

        db.ChangeTracker.Clear();
    }

    /// <summary>Rollups against the raw rows for a day, a week of one queue and a month of one agent; every counter and CSAT.</summary>
    public static async Task<IReadOnlyList<(string Line, bool Equal)>> CheckAsync(KefuDbContext db, DateTime start, DateTime end, string agent, CallTargets targets,
        KpiOptions kpi, int satisfiedMinRating, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var middle = start.AddTicks((end - start).Ticks / 2);
        var day = ComplaintTime.FromChina(ComplaintTime.ToChina(middle).Date);
        var ranges = new List<(string Name, KpiPeriod Period, string? Queue, string? Agent)>
        {
            ("day " + ComplaintTime.ToChina(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), new KpiPeriod(day, day.AddDays(1)), null, null),
            ("week, queue orders", new KpiPeriod(day, day.AddDays(7) < end ? day.AddDays(7) : end), "orders", null),
            ("30 days, agent " + agent, new KpiPeriod(day.AddDays(-15) > start ? day.AddDays(-15) : start, day.AddDays(15) < end ? day.AddDays(15) : end), null, agent),
        };
        var lines = new List<(string, bool)>();
        foreach (var (name, period, queue, who) in ranges)
        {
            var agents = who is null ? null : new[] { who };
            var rows = await CallKpiRollups.SumAsync(db, CallKpiRollup.HourOf(period.From), CallKpiRollup.HourOf(period.To), queue, agents, null, cancellationToken);
            var rolled = rows.Count > 0 ? rows[0].Tally : new CallTally();
            var naive = await CallKpiRollups.NaiveSumAsync(db, period.From, period.To, queue, agents, targets, kpi, cancellationToken);
            var surveys = await CallSurveyRollups.SumAsync(db, CallKpiRollup.HourOf(period.From), CallKpiRollup.HourOf(period.To), queue, agents, satisfiedMinRating, cancellationToken);
            var naiveSurveys = await CallSurveys.NaiveTallyAsync(db, period, queue, agents, satisfiedMinRating, cancellationToken);
            var differences = CallTally.Counters.Where(c => c.Get(rolled) != c.Get(naive)).Select(c => $"{c.Name} {c.Get(rolled)}≠{c.Get(naive)}").ToList();
            if (surveys != naiveSurveys)
            {
                differences.Add($"surveys {surveys}≠{naiveSurveys}");
            }

            lines.Add((differences.Count == 0
                ? $"{name}: rollups = raw rows ({rolled.Offered:N0} calls, {surveys.Answers:N0} survey answers)"
                : $"{name}: MISMATCH {string.Join("; ", differences)}", differences.Count == 0));
        }

        return lines;
    }

    private static T Pick<T>(Random random, (T Value, double Weight)[] choices)
    {
        var total = 0.0;
        foreach (var c in choices)
        {
            total += c.Weight;
        }

        var x = random.NextDouble() * total;
        foreach (var (value, weight) in choices)
        {
            x -= weight;
            if (x < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }

    private static DateTime? Milliseconds(DateTime? utc) => utc is { } t ? new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc) : null;

    private static Guid V7(DateTime utc) => Guid.CreateVersion7(new DateTimeOffset(utc, TimeSpan.Zero));

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
