using System.Text.Json;
using Kefu.Web.Features.Access;
using Kefu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// The CTI event API a PBX drives (docs/cti.md): events in, next actions out. Token-authenticated (a Telephony
/// account, or an Admin).
/// </summary>
public static class CtiApi
{
    public static IEndpointRouteBuilder MapCtiApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/cti").WithTags("CTI").RequireAuthorization(KefuPolicies.CtiWrite)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/events", PostEvents).WithName("PostCtiEvents")
            .WithSummary("Post one CTI event or an array of them; returns the next actions for the PBX.")
            .WithDescription("Each event has id, type, callId and at (ISO 8601). Types: call.offered (from, to), ivr.selected (digit), "
                + "call.queued (queue), call.ringing (agent), call.answered (agent), call.held, call.resumed, call.transferred (target, reason), "
                + "call.ended (by: caller|agent|system), recording.available (uri, durationSeconds), transcript.segment (speaker: agent|customer, "
                + "startSeconds, endSeconds, text), callback.requested (reason). A repeated id is acknowledged in `duplicates` and changes nothing; "
                + "events may arrive in any order. A batch with an invalid event is refused whole (400, fields named [index].field).")
            .Accepts<CtiEventInput[]>("application/json")
            .ProducesValidationProblem();
        group.MapGet("/commands", Commands).WithName("GetCtiCommands")
            .WithSummary("Commands for the PBX after sequence number `after`, long-polling up to `waitSeconds` (max 30) for one to arrive.");
        return routes;
    }

    /// <summary>What a batch did.</summary>
    /// <param name="Accepted">Ids stored now.</param>
    /// <param name="Duplicates">Ids already stored before (ignored).</param>
    /// <param name="Actions">Commands for the PBX that these events caused (menu to play, queue to hold in, agents to ring).</param>
    public sealed record CtiResponse(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates, IReadOnlyList<CtiAction> Actions);

    public sealed record CommandsResponse(long Last, IReadOnlyList<CtiAction> Commands);

    internal static async Task<Results<Ok<CtiResponse>, ProblemHttpResult>> PostEvents(HttpRequest request, CallCenter center, IOptions<JsonOptions> json,
        KefuMetrics metrics, CancellationToken cancellationToken)
    {
        var posted = new[] { 1 };
        try
        {
            var response = await StoreEventsAsync(request, center, json, posted, cancellationToken);
            metrics.CtiEvents("accepted", response.Accepted.Count);
            metrics.CtiEvents("duplicate", response.Duplicates.Count);
            return TypedResults.Ok(response);
        }
        catch (Exception e) when (e is FieldValidationException || StoreOutage.IsStoreUnavailable(e))
        {
            metrics.CtiEvents("refused", posted[0]);
            throw;
        }
    }

    /// <summary>Parses and stores a batch; <paramref name="posted"/>[0] is set to the number of events in it.</summary>
    private static async Task<CtiResponse> StoreEventsAsync(HttpRequest request, CallCenter center, IOptions<JsonOptions> json, int[] posted, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw FieldValidationException.For("body", "must be a JSON event object or an array of them: " + e.Message);
        }

        using (document)
        {
            var single = document.RootElement.ValueKind == JsonValueKind.Object;
            if (!single && document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw FieldValidationException.For("body", "must be a JSON event object or an array of them");
            }

            var inputs = new List<CtiEventInput>();
            var elements = single ? [document.RootElement] : document.RootElement.EnumerateArray().ToList();
            posted[0] = Math.Max(1, elements.Count);
            var errors = new FieldErrors();
            for (var i = 0; i < elements.Count; i++)
            {
                try
                {
                    inputs.Add(elements[i].Deserialize<CtiEventInput>(json.Value.SerializerOptions)
                        ?? throw new JsonException("null is not an event"));
                }
                catch (JsonException e)
                {
                    var field = e.Path is { Length: > 2 } path ? path[2..] : "event";
                    errors.Add((single ? "" : $"[{i}].") + field, "has the wrong type: text fields are strings, durationSeconds/startSeconds/endSeconds are numbers");
                }
            }

            errors.ThrowIfAny();
            var result = await center.HandleEventsAsync(inputs, single, cancellationToken);
            return new CtiResponse(result.Accepted, result.Duplicates, result.Actions);
        }
    }

    internal static async Task<Ok<CommandsResponse>> Commands(long? after, int? waitSeconds, CallCenter center, CancellationToken cancellationToken)
    {
        var from = after ?? 0;
        var wait = TimeSpan.FromSeconds(Math.Clamp(waitSeconds ?? 0, 0, 30));
        var commands = await center.CommandsAfterAsync(from, wait, cancellationToken);
        return TypedResults.Ok(new CommandsResponse(commands.Count == 0 ? from : commands[^1].Seq, commands));
    }
}
