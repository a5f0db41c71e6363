using System.Globalization;
using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Quality;

/// <summary>Training records (seed 003 §5.4): sessions with their attendees, an agent's history, and who is missing what.</summary>
public static class TrainingApi
{
    public static IEndpointRouteBuilder MapTrainingApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/quality/training").WithTags("Quality").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List).WithName("ListTrainingSessions")
            .WithSummary("Training sessions, newest first (kind filter); an agent sees the sessions they are on, with only their own attendance.");
        group.MapGet("/{id:guid}", Get).WithName("GetTrainingSession").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", Create).RequireAuthorization(KefuPolicies.QualityLead).WithName("CreateTrainingSession")
            .WithSummary("Record a session: kind (NewHire, Monthly, Advanced, AdHoc), startsOn, trainer, attendees; title, days and agenda default by kind (the new-hire programme has its three days).")
            .ProducesValidationProblem();
        group.MapPut("/{id:guid}/attendance", Attendance).RequireAuthorization(KefuPolicies.QualityLead).WithName("RecordTrainingAttendance")
            .WithSummary("The full attendee list: agent, attended, score 0–100, passed, note. If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/history/{agent}", History).WithName("AgentTrainingHistory")
            .WithSummary("An agent's sessions with their attendance and result; agents see only their own.").ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/compliance", Compliance).RequireAuthorization(KefuPolicies.QualityLead).WithName("TrainingCompliance")
            .WithSummary("Every active agent: new-hire programme completed (attended and passed), the month's session attended (month=yyyy-MM, default this month).")
            .ProducesValidationProblem();
        return routes;
    }

    public sealed record SessionInput(TrainingKind? Kind, string? Title, DateOnly? StartsOn, int? Days, string? Trainer, string? Agenda, List<string>? Attendees);

    public sealed record AttendeeInput(string? Agent, bool? Attended, int? Score, bool? Passed, string? Note);

    public sealed record AttendanceInput(List<AttendeeInput>? Attendees);

    public sealed record AttendeeView(string Agent, bool Attended, int? Score, bool? Passed, string? Note);

    public sealed record SessionView(Guid Id, TrainingKind Kind, string Title, DateOnly StartsOn, int Days, string Trainer, string? Agenda, string? CreatedBy,
        IReadOnlyList<AttendeeView> Attendees, Guid Version)
    {
        public static SessionView From(TrainingSession s, string? onlyAgent = null) => new(s.Id, s.Kind, s.Title, s.StartsOn, s.Days, s.Trainer, s.Agenda, s.CreatedBy,
            s.Attendees.Where(a => onlyAgent is null || a.Agent == onlyAgent).OrderBy(a => a.Agent, StringComparer.Ordinal)
                .Select(a => new AttendeeView(a.Agent, a.Attended, a.Score, a.Passed, a.Note)).ToList(), s.Version);
    }

    public sealed record HistoryRow(Guid SessionId, TrainingKind Kind, string Title, DateOnly StartsOn, int Days, string Trainer, bool Attended, int? Score, bool? Passed);

    public sealed record ComplianceRow(string Agent, string? DisplayName, bool NewHireCompleted, bool MonthlyAttended, IReadOnlyList<string> Missing);

    public sealed record ComplianceView(string Month, int MonthlySessions, IReadOnlyList<ComplianceRow> Agents);

    internal static async Task<Ok<List<SessionView>>> List(TrainingKind? kind, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, user, kind, cancellationToken));

    public static async Task<List<SessionView>> ListAsync(KefuDbContext db, ClaimsPrincipal user, TrainingKind? kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        var sessions = db.Set<TrainingSession>().AsNoTracking().Include(s => s.Attendees).AsQueryable();
        string? only = null;
        if (!ScorecardsApi.SeesEveryone(user))
        {
            only = user.Identity?.Name ?? "";
            sessions = sessions.Where(s => s.Attendees.Any(a => a.Agent == only));
        }

        if (kind is { } k)
        {
            sessions = sessions.Where(s => s.Kind == k);
        }

        var rows = await sessions.OrderByDescending(s => s.StartsOn).ThenBy(s => s.Id).Take(300).AsSplitQuery().ToListAsync(cancellationToken);
        return rows.ConvertAll(s => SessionView.From(s, only));
    }

    internal static async Task<Results<Ok<SessionView>, NotFound>> Get(Guid id, ClaimsPrincipal user, KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var session = await db.Set<TrainingSession>().AsNoTracking().Include(s => s.Attendees).SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        var everyone = ScorecardsApi.SeesEveryone(user);
        var me = user.Identity?.Name;
        if (session is null || (!everyone && !session.Attendees.Any(a => a.Agent == me)))
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = ETags.Format(session.Version);
        return TypedResults.Ok(SessionView.From(session, everyone ? null : me));
    }

    internal static async Task<Created<SessionView>> Create(SessionInput input, ClaimsPrincipal user, KefuDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var session = await CreateAsync(db, input, user, cancellationToken);
        response.Headers.ETag = ETags.Format(session.Version);
        return TypedResults.Created($"/api/v1/quality/training/{session.Id}", session);
    }

    /// <summary>Records a session; attendees start as not (yet) attended.</summary>
    public static async Task<SessionView> CreateAsync(KefuDbContext db, SessionInput input, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(user);
        var errors = new FieldErrors().Required("trainer", input.Trainer, 64).MaxLength("title", input.Title, 200).MaxLength("agenda", input.Agenda, 4000);
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add("kind", "is required: NewHire, Monthly, Advanced or AdHoc");
        }

        if (input.StartsOn is null)
        {
            errors.Add("startsOn", "is required: the first day, e.g. 2026-11-23");
        }

        if (input.Days is { } days && days is < 1 or > 10)
        {
            errors.Add("days", "must be 1–10");
        }

        var attendees = (input.Attendees ?? []).Select(a => a?.Trim() ?? "").ToList();
        await CheckAgentsAsync(db, errors, attendees, i => $"attendees[{i}]", cancellationToken);
        errors.ThrowIfAny();
        var session = new TrainingSession
        {
            Id = Ids.New(),
            Kind = input.Kind!.Value,
            Title = string.IsNullOrWhiteSpace(input.Title) ? TrainingProgramme.DefaultTitle(input.Kind.Value, input.StartsOn!.Value) : input.Title.Trim(),
            StartsOn = input.StartsOn!.Value,
            Days = input.Days ?? TrainingProgramme.DefaultDays(input.Kind.Value),
            Trainer = input.Trainer!.Trim(),
            Agenda = string.IsNullOrWhiteSpace(input.Agenda) ? TrainingProgramme.DefaultAgenda(input.Kind.Value) : PiiDetector.Mask(input.Agenda.Trim()),
            CreatedBy = user.Identity?.Name,
        };
        session.Attendees.AddRange(attendees.Distinct(StringComparer.Ordinal).Select(a => new TrainingAttendance { SessionId = session.Id, Agent = a }));
        db.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return SessionView.From(session);
    }

    internal static async Task<Ok<SessionView>> Attendance(Guid id, AttendanceInput input, HttpRequest request, KefuDbContext db, CancellationToken cancellationToken)
    {
        var session = await RecordAttendanceAsync(db, id, ETags.RequireIfMatch(request), input, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Format(session.Version);
        return TypedResults.Ok(session);
    }

    /// <summary>Replaces the attendee list with <paramref name="input"/>; applied only on the version the caller read (else 412).</summary>
    public static async Task<SessionView> RecordAttendanceAsync(KefuDbContext db, Guid id, Guid expectedVersion, AttendanceInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var rows = input.Attendees ?? [];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Score is { } score && score is < 0 or > 100)
            {
                errors.Add($"attendees[{i}].score", "must be 0–100");
            }

            errors.MaxLength($"attendees[{i}].note", row.Note, 500);
            if (row.Passed == true && row.Attended != true)
            {
                errors.Add($"attendees[{i}].passed", "only an agent who attended can pass");
            }
        }

        var agents = rows.Select(r => r.Agent?.Trim() ?? "").ToList();
        await CheckAgentsAsync(db, errors, agents, i => $"attendees[{i}].agent", cancellationToken);
        errors.ThrowIfAny();

        var session = await db.Set<TrainingSession>().Include(s => s.Attendees).SingleOrDefaultAsync(s => s.Id == id, cancellationToken)
            ?? throw new NotFoundException("Training session", id);
        if (session.Version != expectedVersion)
        {
            throw new StaleVersionException("Training session", session.Version);
        }

        db.Entry(session).Property(s => s.Version).OriginalValue = expectedVersion;
        var wanted = rows.Select((r, i) => (Agent: agents[i], Row: r)).GroupBy(r => r.Agent, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Row, StringComparer.Ordinal);
        foreach (var gone in session.Attendees.Where(a => !wanted.ContainsKey(a.Agent)).ToList())
        {
            session.Attendees.Remove(gone);
        }

        foreach (var (agent, row) in wanted)
        {
            var attendance = session.Attendees.FirstOrDefault(a => a.Agent == agent);
            if (attendance is null)
            {
                attendance = new TrainingAttendance { SessionId = session.Id, Agent = agent };
                session.Attendees.Add(attendance);
            }

            attendance.Attended = row.Attended ?? false;
            attendance.Score = row.Score;
            attendance.Passed = row.Passed;
            attendance.Note = row.Note is null ? null : PiiDetector.Mask(row.Note.Trim());
        }

        // The session's version covers its attendee list: mark it changed so the version is renewed.
        db.Entry(session).Property(s => s.UpdatedAt).IsModified = true;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Set<TrainingSession>().AsNoTracking().Where(s => s.Id == id).Select(s => s.Version).SingleAsync(cancellationToken);
            throw new StaleVersionException("Training session", current);
        }

        return SessionView.From(session);
    }

    internal static async Task<Ok<List<HistoryRow>>> History(string agent, ClaimsPrincipal user, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await HistoryAsync(db, agent, user, cancellationToken));

    /// <summary>An agent's sessions, newest first; only QA, Supervisors, Admins and the agent themself may read it.</summary>
    public static async Task<List<HistoryRow>> HistoryAsync(KefuDbContext db, string agent, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        if (!ScorecardsApi.SeesEveryone(user) && !string.Equals(agent, user.Identity?.Name, StringComparison.Ordinal))
        {
            throw new ForbiddenException("Agents see only their own training history.");
        }

        var rows = await db.Set<TrainingAttendance>().AsNoTracking().Where(a => a.Agent == agent)
            .Join(db.Set<TrainingSession>(), a => a.SessionId, s => s.Id, (a, s) => new { a, s })
            .ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.s.StartsOn)
            .Select(r => new HistoryRow(r.s.Id, r.s.Kind, r.s.Title, r.s.StartsOn, r.s.Days, r.s.Trainer, r.a.Attended, r.a.Score, r.a.Passed)).ToList();
    }

    internal static async Task<Ok<ComplianceView>> Compliance(string? month, KefuDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ComplianceAsync(db, month, null, clock, cancellationToken));

    /// <summary>
    /// Who has not completed the new-hire programme or missed the month's session, over every active agent (or just
    /// <paramref name="onlyAgent"/>, for the agent's own page).
    /// </summary>
    public static async Task<ComplianceView> ComplianceAsync(KefuDbContext db, string? month, string? onlyAgent, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        DateOnly first;
        if (string.IsNullOrWhiteSpace(month))
        {
            var today = CoachingApi.Today(clock);
            first = new DateOnly(today.Year, today.Month, 1);
        }
        else if (!DateOnly.TryParseExact(month.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out first))
        {
            throw FieldValidationException.For("month", "must be a month like 2026-11");
        }

        var agents = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == KefuRoles.Agent)))
            .Where(u => onlyAgent == null || u.UserName == onlyAgent)
            .Select(u => new { u.UserName, u.DisplayName }).ToListAsync(cancellationToken);
        var names = agents.Where(a => a.UserName is not null).Select(a => a.UserName!).ToList();
        var next = first.AddMonths(1);
        var facts = await db.Set<TrainingAttendance>().AsNoTracking().Where(a => names.Contains(a.Agent))
            .Join(db.Set<TrainingSession>().Where(s => s.Kind == TrainingKind.NewHire || (s.Kind == TrainingKind.Monthly && s.StartsOn >= first && s.StartsOn < next)),
                a => a.SessionId, s => s.Id, (a, s) => new TrainingProgramme.AttendanceFact(a.Agent, s.Kind, s.StartsOn, a.Attended, a.Passed))
            .ToListAsync(cancellationToken);
        var held = await db.Set<TrainingSession>().AsNoTracking().CountAsync(s => s.Kind == TrainingKind.Monthly && s.StartsOn >= first && s.StartsOn < next, cancellationToken);
        var display = agents.Where(a => a.UserName is not null).ToDictionary(a => a.UserName!, a => a.DisplayName, StringComparer.Ordinal);
        var rows = TrainingProgramme.Check(names, facts, first)
            .Select(s => new ComplianceRow(s.Agent, display.GetValueOrDefault(s.Agent), s.NewHireCompleted, s.MonthlyAttended, s.Missing)).ToList();
        return new ComplianceView(first.ToString("yyyy-MM", CultureInfo.InvariantCulture), held, rows);
    }

    private static async Task CheckAgentsAsync(KefuDbContext db, FieldErrors errors, List<string> agents, Func<int, string> field, CancellationToken cancellationToken)
    {
        var known = (await db.Users.AsNoTracking().Where(u => agents.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < agents.Count; i++)
        {
            if (agents[i].Length == 0)
            {
                errors.Add(field(i), "is required");
            }
            else if (!known.Contains(agents[i]))
            {
                errors.Add(field(i), "must name an existing user");
            }
        }
    }
}
