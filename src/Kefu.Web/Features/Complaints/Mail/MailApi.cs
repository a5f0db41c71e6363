using System.Security.Claims;
using Kefu.Web.Data;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Complaints.Mail;

/// <summary>E-mail about a complaint under /api/v1/complaints/{id}/emails.</summary>
public static class MailApi
{
    public static IEndpointRouteBuilder MapComplaintMailApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/complaints/{id:guid}/emails").WithTags("Complaints").RequireAuthorization(KefuPolicies.Staff)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", Send).RequireAuthorization(KefuPolicies.ComplaintWrite).WithName("SendComplaintEmail")
            .WithSummary("E-mail the customer about the complaint ({subject?, body}); the subject carries [TS-…] so the answer threads back. 400 naming `email` when the customer has no address; 503 when mail is not enabled or the mail server refuses.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", List).WithName("ListComplaintEmails")
            .WithSummary("The e-mails read and sent for the complaint (direction, time, subject masked, outcome, Message-Id).");
        return routes;
    }

    internal static async Task<Ok<ComplaintView>> Send(Guid id, OutboundMail.Request input, ClaimsPrincipal user, KefuDbContext db, [FromServices] IMailSender? sender,
        IOptions<MailOptions> mail, IOptions<ComplaintRules> rules, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var complaint = await OutboundMail.SendAsync(db, id, input, CurrentActor.From(user), sender, mail.Value, clock, cancellationToken);
        response.Headers.ETag = ETags.Format(complaint.Version);
        return TypedResults.Ok(ComplaintView.From(complaint, rules.Value));
    }

    internal static async Task<Ok<List<OutboundMail.EmailView>>> List(Guid id, KefuDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OutboundMail.ListAsync(db, id, cancellationToken));
}
