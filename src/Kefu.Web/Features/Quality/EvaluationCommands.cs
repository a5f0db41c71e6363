using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kefu.Web.Features.Quality;

/// <summary>
/// The evaluation use cases for the Blazor pages: the same handlers the API maps (so rules, masking and complaint notes
/// stay in one place), unwrapped from their HTTP result types. Null means "no such evaluation (for this user)".
/// </summary>
public static class EvaluationCommands
{
    /// <summary>An evaluation as GET /api/v1/quality/evaluations/{id} shows it to this user; null when missing or not theirs to see.</summary>
    public static async Task<EvaluationsApi.EvaluationView?> LoadAsync(KefuDbContext db, Guid id, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Value(await EvaluationsApi.Get(id, user, db, new DefaultHttpContext().Response, cancellationToken));

    /// <summary>Starts (or reopens) the user's evaluation of a call, pre-filled from the script check.</summary>
    public static async Task<EvaluationsApi.EvaluationView> StartAsync(KefuDbContext db, ScriptRuleBook book, string callId, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var result = await EvaluationsApi.Start(new EvaluationsApi.StartInput(callId), user, db, book, cancellationToken);
        return result.Result switch
        {
            Ok<EvaluationsApi.EvaluationView> ok => ok.Value!,
            Created<EvaluationsApi.EvaluationView> created => created.Value!,
            _ => throw new InvalidOperationException("Starting an evaluation returned no evaluation."),
        };
    }

    /// <summary>
    /// Saves scores, comment and liability finding against the version the page loaded (the API's If-Match);
    /// a concurrent change throws <see cref="StaleVersionException"/>.
    /// </summary>
    public static async Task<EvaluationsApi.EvaluationView?> UpdateAsync(KefuDbContext db, Guid id, Guid version, EvaluationsApi.UpdateInput input,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        return await EvaluationsApi.UpdateAsync(db, id, version, input, user, cancellationToken);
    }

    public static async Task<EvaluationsApi.EvaluationView?> SubmitAsync(KefuDbContext db, Guid id, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken cancellationToken) =>
        Value(await EvaluationsApi.Submit(id, user, db, clock, cancellationToken));

    public static async Task<EvaluationsApi.EvaluationView?> AppealAsync(KefuDbContext db, Guid id, string? text, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken cancellationToken) =>
        Value(await EvaluationsApi.Appeal(id, new EvaluationsApi.AppealInput(text), user, db, clock, cancellationToken));

    public static async Task<EvaluationsApi.EvaluationView?> DecideAsync(KefuDbContext db, Guid id, AppealDecision? decision, string? note, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken cancellationToken) =>
        Value(await EvaluationsApi.Decide(id, new EvaluationsApi.DecideInput(decision, note), user, db, clock, cancellationToken));

    private static EvaluationsApi.EvaluationView? Value(Results<Ok<EvaluationsApi.EvaluationView>, NotFound> result) =>
        result.Result is Ok<EvaluationsApi.EvaluationView> ok ? ok.Value : null;
}
