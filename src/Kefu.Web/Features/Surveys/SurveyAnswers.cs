using Kefu.Web.Data;
using Kefu.Web.Features.Privacy;
using Kefu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Web.Features.Surveys;

/// <summary>The customer's side of a survey (no login, the link's token is the only key): read it, answer it once.</summary>
public static class SurveyAnswers
{
    public const int CommentMaxLength = 1000;

    /// <summary>A reason the customer can tick.</summary>
    public sealed record ReasonView(string Code, string Label, bool Positive);

    /// <summary>What the public page shows: what is rated, until when, the reasons, and the answer once given.</summary>
    public sealed record PublicSurvey(string Kind, string About, DateTime ExpiresAt, bool Answered, int? Rating, IReadOnlyList<ReasonView> Reasons);

    /// <summary>The answer: <c>rating</c> 1–5 (required), <c>reasons</c> (codes from the survey's list), <c>comment</c> (free text, PII masked).</summary>
    public sealed record AnswerInput(int? Rating, IReadOnlyList<string>? Reasons, string? Comment);

    public static string About(string kind) => kind switch
    {
        SurveyKinds.Call => "本次通话服务",
        SurveyKinds.Complaint => "本次投诉处理",
        SurveyKinds.ReturnVisit => "本次回访",
        _ => "本次服务",
    };

    /// <summary>The survey of a token: 404 for an unknown token, 410 when it expired unanswered.</summary>
    public static async Task<PublicSurvey> GetAsync(KefuDbContext db, string token, SurveyOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var invitation = await FindAsync(db, token, cancellationToken);
        if (!invitation.IsAnswered && invitation.IsExpired(clock.GetUtcNow().UtcDateTime))
        {
            throw Expired();
        }

        return new PublicSurvey(invitation.Kind, About(invitation.Kind), invitation.ExpiresAt, invitation.IsAnswered, invitation.Rating,
            options.EffectiveReasons.Select(r => new ReasonView(r.Code, r.Label, r.Positive)).ToList());
    }

    /// <summary>Stores the one answer of a token: 400 naming the field, 404 unknown, 409 already answered, 410 expired.</summary>
    public static async Task<PublicSurvey> AnswerAsync(KefuDbContext db, string token, AnswerInput input, SurveyOptions options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = new FieldErrors().MaxLength("comment", input.Comment, CommentMaxLength);
        if (input.Rating is not (>= 1 and <= 5))
        {
            errors.Add("rating", "is required: a whole number from 1 (very dissatisfied) to 5 (very satisfied)");
        }

        var known = options.EffectiveReasons.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        var reasons = (input.Reasons ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (reasons.FirstOrDefault(r => !known.Contains(r)) is { } unknown)
        {
            errors.Add("reasons", $"'{unknown}' is not one of the listed reasons: " + string.Join(", ", known.Order(StringComparer.Ordinal)));
        }

        errors.ThrowIfAny();
        var invitation = await FindAsync(db, token, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (invitation.IsAnswered)
        {
            throw AlreadyAnswered();
        }

        if (invitation.IsExpired(now))
        {
            throw Expired();
        }

        var rating = input.Rating!.Value;
        var reasonText = reasons.Count == 0 ? null : string.Join(',', reasons);
        var comment = string.IsNullOrWhiteSpace(input.Comment) ? null : PiiDetector.Mask(input.Comment.Trim());
        if (comment is { Length: > CommentMaxLength })
        {
            comment = comment[..CommentMaxLength];
        }

        // One conditional UPDATE: of two answers racing on one link, exactly one changes the row. The CSAT rollup counts the answer
        // in the same transaction.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var changed = await db.Set<SurveyInvitation>().Where(i => i.Id == invitation.Id && i.AnsweredAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.AnsweredAt, now).SetProperty(i => i.Rating, rating)
                    .SetProperty(i => i.Reasons, reasonText).SetProperty(i => i.Comment, comment), cancellationToken);
            if (changed != 1)
            {
                throw AlreadyAnswered();
            }

            await Insights.CallSurveyRollups.CountAnswerAsync(db, invitation, rating, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new PublicSurvey(invitation.Kind, About(invitation.Kind), invitation.ExpiresAt, true, rating,
            options.EffectiveReasons.Select(r => new ReasonView(r.Code, r.Label, r.Positive)).ToList());
    }

    private static async Task<SurveyInvitation> FindAsync(KefuDbContext db, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var hash = string.IsNullOrWhiteSpace(token) || token.Length > 100 ? "" : SurveyInvitation.HashToken(token.Trim());
        return await db.Set<SurveyInvitation>().AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken)
            ?? throw new NotFoundException("Survey", "link");
    }

    private static ConflictException AlreadyAnswered() =>
        new("This survey has already been answered: each link takes one answer.", ["survey-already-answered"]);

    private static GoneException Expired() => new("This survey link has expired.");
}
