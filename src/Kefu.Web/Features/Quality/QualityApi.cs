using System.Globalization;
using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Features.Calls;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Quality;

/// <summary>
/// Script rules as data (QA edits, every edit a new version) and script checks of transcripts and written replies
/// (SPEC §3; issue #6 points 1–2).
/// </summary>
public static class QualityApi
{
    public static IEndpointRouteBuilder MapQualityApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/quality").WithTags("Quality").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/check", Check).WithName("CheckScript")
            .WithSummary("Check a call transcript ({segments:[{speaker, startSeconds, text}]}) or a written reply ({text}) against the current script rules.")
            .WithDescription("Findings: kind forbidden | avoid | required-missing (misplaced: true when said but not where it belongs) | positive | pii, "
                + "with the rule id and version, the segment index, its time offset, the quoted words (personal data masked) and the replacement. "
                + "Also the status of each required script, the auto-fail flag (a critical rule fired) and every rule version used.")
            .ProducesValidationProblem();
        group.MapPost("/replace", Replace).WithName("ReplaceScriptPhrases")
            .WithSummary("A written reply with each forbidden or avoid phrase replaced by its suggestion (the UI's 'use the replacement').")
            .ProducesValidationProblem();
        group.MapGet("/rules", ListRules).WithName("ListScriptRules").WithSummary("The current script rules (latest active version of each).");
        group.MapGet("/rules/{id}/versions", RuleVersions).WithName("ListScriptRuleVersions").WithSummary("Every version of one rule, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/rules/{id}", PutRule).RequireAuthorization(KefuPolicies.QualityWrite).WithName("PutScriptRule")
            .WithSummary("Create a rule or add a new version of it (If-Match: \"<current version number>\" to change an existing rule).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/rules/{id}", DeleteRule).RequireAuthorization(KefuPolicies.QualityWrite).WithName("RemoveScriptRule")
            .WithSummary("Remove a rule from the current set (kept as an inactive version; If-Match required).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        routes.MapGet("/api/v1/calls/{callId}/script-check", CheckCall).WithTags("Quality").RequireAuthorization(KefuPolicies.Staff).WithName("CheckCallScript")
            .WithSummary("The script check of a call's stored transcript with the current rules.").ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public sealed record SegmentInput(string? Speaker, double? StartSeconds, double? EndSeconds, string? Text);

    public sealed record CheckInput(IReadOnlyList<SegmentInput>? Segments, string? Text);

    public sealed record ReplaceInput(string? Text);

    /// <summary>One finding. <c>kind</c>: forbidden, avoid, required-missing, positive or pii.</summary>
    public sealed record FindingView(string Rule, int? Version, string Kind, string? Category, bool Critical, bool Misplaced, int? Segment,
        double? OffsetSeconds, string? Quote, string? Replacement);

    public sealed record RequiredScriptView(string Rule, int Version, string Category, ScriptPlacement Placement, RequiredScriptStatus Status, int? Segment);

    public sealed record CheckView(IReadOnlyList<FindingView> Findings, IReadOnlyList<RequiredScriptView> RequiredScripts,
        IReadOnlyDictionary<string, int> PositiveCounts, bool AutoFail, IReadOnlyList<RuleVersion> RulesUsed, bool TraditionalConverted);

    public sealed record ReplaceView(string Text, IReadOnlyList<FindingView> Replaced);

    public sealed record RuleVersionView(string RuleId, int Version, bool IsActive, string? CreatedBy, DateTime CreatedAt, ScriptRule Rule);

    internal static async Task<Ok<CheckView>> Check(CheckInput input, ScriptRuleBook book, CancellationToken cancellationToken)
    {
        var check = await book.CurrentAsync(cancellationToken);
        if (input.Segments is { Count: > 0 } segments)
        {
            var parsed = ParseSegments(segments);
            return TypedResults.Ok(ToView(check.Check(parsed), parsed));
        }

        if (string.IsNullOrWhiteSpace(input.Text))
        {
            throw FieldValidationException.For("segments", "send segments (a call transcript) or text (a written reply)");
        }

        new FieldErrors().MaxLength("text", input.Text, 20000).ThrowIfAny();
        var reply = new SegmentToCheck(TranscriptSpeaker.Agent, null, null, input.Text);
        return TypedResults.Ok(ToView(check.CheckWrittenReply(input.Text), [reply]));
    }

    internal static async Task<Ok<ReplaceView>> Replace(ReplaceInput input, ScriptRuleBook book, CancellationToken cancellationToken)
    {
        new FieldErrors().Required("text", input.Text, 20000).ThrowIfAny();
        var rewrite = (await book.CurrentAsync(cancellationToken)).ApplyReplacements(input.Text!);
        return TypedResults.Ok(new ReplaceView(rewrite.Text, rewrite.Replaced.Select(f => ToView(f)).ToList()));
    }

    internal static async Task<Results<Ok<CheckView>, NotFound>> CheckCall(string callId, KefuDbContext db, ScriptRuleBook book, CancellationToken cancellationToken) =>
        await CheckCallAsync(db, book, callId, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <summary>The script check of a call's stored transcript with the current rules, as the API and the call page show it;
    /// null when there is no such call. Segment numbers index the transcript in the order it was spoken.</summary>
    public static async Task<CheckView?> CheckCallAsync(KefuDbContext db, ScriptRuleBook book, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(book);
        if (!await db.Set<CallRecord>().AnyAsync(c => c.Id == callId, cancellationToken))
        {
            return null;
        }

        var segments = await TranscriptOfAsync(db, callId, cancellationToken);
        var check = await book.CurrentAsync(cancellationToken);
        return ToView(check.Check(segments), segments);
    }

    /// <summary>A call's stored transcript (PII already masked) in the order it was spoken; ties keep one fixed order so
    /// segment numbers are the same on every page and in every check.</summary>
    public static async Task<List<SegmentToCheck>> TranscriptOfAsync(KefuDbContext db, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await db.Set<TranscriptSegment>().AsNoTracking().Where(t => t.CallId == callId).ToListAsync(cancellationToken))
            .OrderBy(t => t.StartSeconds).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Select(t => new SegmentToCheck(t.Speaker, t.StartSeconds, t.EndSeconds, t.Text)).ToList();
    }

    /// <summary>Segments from the request; fields are named <c>segments[i].field</c> in errors.</summary>
    public static List<SegmentToCheck> ParseSegments(IReadOnlyList<SegmentInput> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var errors = new FieldErrors();
        if (segments.Count > 2000)
        {
            errors.Add("segments", "at most 2000 segments");
        }

        var result = new List<SegmentToCheck>(segments.Count);
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"segments[{i}].");
            if (s is null)
            {
                errors.Add(at + "text", "a segment object is required");
                continue;
            }

            var speaker = s.Speaker switch
            {
                "agent" => TranscriptSpeaker.Agent,
                "customer" => TranscriptSpeaker.Customer,
                _ => (TranscriptSpeaker?)null,
            };
            if (speaker is null)
            {
                errors.Add(at + "speaker", "must be agent or customer");
            }

            errors.Required(at + "text", s.Text, 4000);
            if (s.StartSeconds is < 0 || (s.EndSeconds is { } end && s.StartSeconds is { } start && end < start))
            {
                errors.Add(at + "startSeconds", "0 <= startSeconds <= endSeconds");
            }

            if (speaker is { } who && !string.IsNullOrWhiteSpace(s.Text))
            {
                result.Add(new SegmentToCheck(who, s.StartSeconds, s.EndSeconds, s.Text));
            }
        }

        errors.ThrowIfAny();
        return result;
    }

    /// <summary>The API view of a report, with personal data spoken on the call added as "pii" findings and masked in every quote.</summary>
    public static CheckView ToView(TranscriptReport report, IReadOnlyList<SegmentToCheck> segments)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(segments);
        var findings = report.Findings.Select(f => ToView(f)).ToList();
        for (var i = 0; i < segments.Count; i++)
        {
            foreach (var pii in PiiDetector.Find(segments[i].Text))
            {
                var quote = PiiDetector.Mask(segments[i].Text.Substring(pii.Start, pii.Length));
                findings.Add(new FindingView("pii-" + System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(pii.Kind.ToString()), null, "pii", "privacy", Critical: false, Misplaced: false, i,
                    segments[i].StartSeconds, quote, Replacement: null));
            }
        }

        var ordered = findings.OrderBy(f => f.Segment ?? int.MaxValue).ToList();
        var required = report.RequiredScripts.Select(r => new RequiredScriptView(r.RuleId, r.RuleVersion, r.Category, r.Placement, r.Status, r.Segment)).ToList();
        return new CheckView(ordered, required, report.PositiveCounts, report.AutoFail, report.RulesUsed, report.TraditionalConverted);
    }

    private static FindingView ToView(ScriptFinding f) => new(
        f.RuleId,
        f.RuleVersion,
        f.Kind switch
        {
            FindingKind.Forbidden => "forbidden",
            FindingKind.Avoid => "avoid",
            FindingKind.Positive => "positive",
            _ => "required-missing",
        },
        f.Category,
        f.Critical,
        f.Kind == FindingKind.RequiredMisplaced,
        f.Segment,
        f.OffsetSeconds,
        f.Quote is null ? null : PiiDetector.Mask(f.Quote),
        f.Replacement);

    internal static async Task<Ok<List<ScriptRule>>> ListRules(ScriptRuleBook book, CancellationToken cancellationToken) =>
        TypedResults.Ok((await book.RulesAsync(cancellationToken)).ToList());

    internal static async Task<Results<Ok<List<RuleVersionView>>, NotFound>> RuleVersions(string id, KefuDbContext db, CancellationToken cancellationToken)
    {
        var versions = await db.Set<ScriptRuleVersion>().AsNoTracking().Where(v => v.RuleId == id).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
        return versions.Count == 0
            ? TypedResults.NotFound()
            : TypedResults.Ok(versions.ConvertAll(v => new RuleVersionView(v.RuleId, v.Version, v.IsActive, v.CreatedBy, v.CreatedAt, v.ToRule())));
    }

    internal static async Task<Results<Ok<ScriptRule>, Created<ScriptRule>>> PutRule(string id, ScriptRule rule, HttpRequest request, HttpResponse response,
        ClaimsPrincipal user, KefuDbContext db, ScriptRuleBook book, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (saved, created) = await SaveRuleAsync(db, book, id, rule, ExpectedVersion(request), user.Identity?.Name, clock, cancellationToken);
        response.Headers.ETag = RuleETag(saved.Version);
        return created ? TypedResults.Created($"/api/v1/quality/rules/{id}", saved) : TypedResults.Ok(saved);
    }

    internal static async Task<Results<NoContent, NotFound>> DeleteRule(string id, HttpRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        await RemoveRuleAsync(db, id, ExpectedVersion(request), user.Identity?.Name, clock, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    /// <summary>
    /// Removes a rule from the current set by adding an inactive version (the history stays). False when there is no
    /// such active rule. <paramref name="expectedVersion"/> is the version the editor read, as for <see cref="SaveRuleAsync"/>.
    /// </summary>
    public static async Task<bool> RemoveRuleAsync(KefuDbContext db, string id, int? expectedVersion, string? by, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var latest = await db.Set<ScriptRuleVersion>().AsNoTracking().Where(v => v.RuleId == id).OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        if (latest is null || !latest.IsActive)
        {
            return false;
        }

        var expected = expectedVersion ?? throw new PreconditionRequiredException();
        if (expected != latest.Version)
        {
            throw new StaleRuleVersionException(latest.Version);
        }

        db.Add(new ScriptRuleVersion { RuleId = id, Version = latest.Version + 1, Json = latest.Json, IsActive = false, CreatedBy = by, CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new StaleRuleVersionException(latest.Version + 1); // another editor added that version first
        }

        return true;
    }

    /// <summary>
    /// Adds a version of a rule after checking it alone (patterns parse, replacement where one is needed …) and together
    /// with the other current rules (the whole set must compile). <paramref name="expectedVersion"/> is the version the
    /// editor read: required to change an existing rule, so that two QA editors cannot overwrite each other.
    /// </summary>
    public static async Task<(ScriptRule Rule, bool Created)> SaveRuleAsync(KefuDbContext db, ScriptRuleBook book, string id, ScriptRule rule, int? expectedVersion,
        string? by, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrWhiteSpace(id) || id.Length > 60 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw FieldValidationException.For("id", "must be 1–60 letters, digits or '-'");
        }

        var latest = await db.Set<ScriptRuleVersion>().AsNoTracking().Where(v => v.RuleId == id).OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        if (latest is not null)
        {
            if (expectedVersion is null)
            {
                throw new PreconditionRequiredException();
            }

            if (expectedVersion != latest.Version)
            {
                throw new StaleRuleVersionException(latest.Version);
            }
        }

        var candidate = rule with { Id = id, Version = (latest?.Version ?? 0) + 1 };
        var problems = ScriptRule.Validate([candidate]);
        if (problems.Count > 0)
        {
            throw new FieldValidationException(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["rule"] = [.. problems] });
        }

        var others = (await book.RulesAsync(cancellationToken)).Where(r => !string.Equals(r.Id, id, StringComparison.Ordinal)).Append(candidate).ToList();
        try
        {
            _ = new TranscriptCheck(others);
        }
        catch (ArgumentException e)
        {
            throw FieldValidationException.For("rule", e.Message);
        }

        db.Add(new ScriptRuleVersion { RuleId = id, Version = candidate.Version, Json = ScriptRuleJson.SerializeOne(candidate), CreatedBy = by, CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new StaleRuleVersionException(candidate.Version);
        }

        return (candidate, latest is null);
    }

    private static int? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim().Trim('"');
        if (header.StartsWith('v'))
        {
            header = header[1..];
        }

        return header.Length == 0 ? null : int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
    }

    private static string RuleETag(int version) => string.Create(CultureInfo.InvariantCulture, $"\"v{version}\"");
}

/// <summary>412: the rule changed since the editor read it.</summary>
public sealed class StaleRuleVersionException(int currentVersion)
    : DomainException($"The rule is at version {currentVersion.ToString(CultureInfo.InvariantCulture)}; reload it and apply your change again.")
{
    public int CurrentVersion { get; } = currentVersion;
    public override int StatusCode => StatusCodes.Status412PreconditionFailed;
    public override string Title => "The rule was changed since you read it.";
}
