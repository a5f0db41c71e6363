using Kefu.Web.Data;

namespace Kefu.Web.Features.Insights;

/// <summary>Survey answers about the calls of a period (CSAT).</summary>
public static class CallSurveys
{
    /// <summary>Answers and satisfied answers (rating ≥ <paramref name="satisfiedMinRating"/>) of call surveys whose call was offered in the period.</summary>
    public static Task<SurveyTally> TallyAsync(KefuDbContext db, KpiPeriod period, string? queue, string? agent, int satisfiedMinRating, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(period);
        _ = (queue, agent, satisfiedMinRating, cancellationToken);
        // Surveys land with the survey feature (issue #7 point 1); until then no call has an answer.
        return Task.FromResult(SurveyTally.None);
    }

    /// <summary>Satisfaction per service type (queue) with the main reasons given, for the monthly analysis (seed 003 §5.3).</summary>
    public static Task<IReadOnlyList<MonthlyReport.SatisfactionLine>> ByServiceTypeAsync(KefuDbContext db, KpiPeriod period, int satisfiedMinRating,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        _ = (period, satisfiedMinRating, cancellationToken);
        return Task.FromResult<IReadOnlyList<MonthlyReport.SatisfactionLine>>([]);
    }
}
