using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// Documents the request body of <c>POST /api/v1/cti/events</c> (operation <c>PostCtiEvents</c>) in the OpenAPI
/// document: the body is an event object or an array of them, with one named example per event type (docs/cti.md).
/// Every example is an event the endpoint accepts against the demo data (user <c>agent</c>, queues <c>after-sales</c>
/// and <c>complaints</c>, hotline 4008001234); each has its own event id, so posting the same example twice shows
/// the idempotency rule (the second answer lists the id under <c>duplicates</c>).
/// </summary>
public static class CtiOpenApiExamples
{
    /// <summary>The operation id (endpoint name) the examples belong to.</summary>
    public const string OperationId = "PostCtiEvents";

    private const string CallId = "1763880902.118";

    /// <summary>Adds the operation transformer that writes the CTI request-body examples and schema.</summary>
    public static void AddCtiExamples(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddOperationTransformer((operation, _, _) =>
        {
            Apply(operation);
            return Task.CompletedTask;
        });
    }

    /// <summary>Rewrites the request body of the CTI event operation; other operations are left alone.</summary>
    internal static void Apply(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!string.Equals(operation.OperationId, OperationId, StringComparison.Ordinal))
        {
            return;
        }

        if (operation.RequestBody is not OpenApiRequestBody body)
        {
            body = new OpenApiRequestBody();
            operation.RequestBody = body;
        }

        body.Required = true;
        body.Description = "One CTI event object, or an array of up to 1000 of them (a batch). Every event has id, type, callId and at; "
            + "the other fields depend on the type. A batch with an invalid event is refused whole (400, fields named [index].field).";
        body.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
        if (!body.Content.TryGetValue("application/json", out var media))
        {
            media = new OpenApiMediaType();
            body.Content["application/json"] = media;
        }

        media.Schema = EventOrArray(media.Schema);
        media.Examples ??= new Dictionary<string, IOpenApiExample>(StringComparer.Ordinal);
        foreach (var (name, summary, json) in Examples)
        {
            media.Examples[name] = new OpenApiExample { Summary = summary, Value = JsonNode.Parse(json) };
        }
    }

    /// <summary>"An event object or an array of them": oneOf the event schema and the array schema ASP.NET generated
    /// from <c>Accepts&lt;CtiEventInput[]&gt;</c>.</summary>
    private static OpenApiSchema EventOrArray(IOpenApiSchema? generated)
    {
        const string Description = "An event object or an array of them.";
        if (generated is { Items: { } item } && generated.Type is { } type && type.HasFlag(JsonSchemaType.Array))
        {
            return new OpenApiSchema { Description = Description, OneOf = [item, generated] };
        }

        return generated is OpenApiSchema schema
            ? AddDescription(schema, Description)
            : new OpenApiSchema { Description = Description, Type = JsonSchemaType.Object | JsonSchemaType.Array };
    }

    private static OpenApiSchema AddDescription(OpenApiSchema schema, string description)
    {
        schema.Description ??= description;
        return schema;
    }

    /// <summary>One example per event type, in the order of a call's life, and a batch.</summary>
    private static readonly (string Name, string Summary, string Json)[] Examples =
    [
        ("call.offered", "A call arrives: caller number and the dialled hotline",
            Event("ari-0f3a9c21d4e85b70", "call.offered", "09:15:02.120", """ "from": "13812345678", "to": "4008001234" """)),
        ("ivr.selected", "The caller pressed a key in the IVR menu",
            Event("ari-5b1e07c9a3d24f86", "ivr.selected", "09:15:09.480", """ "digit": "2" """)),
        ("call.queued", "The PBX put the call into a Kefu queue",
            Event("ari-9d64e2b07f1ac358", "call.queued", "09:15:09.700", """ "queue": "after-sales" """)),
        ("call.ringing", "The call rings at an agent's phone",
            Event("ari-2c8f51d6e0b94a17", "call.ringing", "09:15:10.050", """ "agent": "agent" """)),
        ("call.answered", "The agent answered",
            Event("ari-7e03b9a4c65d1f28", "call.answered", "09:15:16.310", """ "agent": "agent" """)),
        ("call.held", "The agent put the caller on hold",
            Event("ari-41d7c0e93b2a6f85", "call.held", "09:17:40.000", null)),
        ("call.resumed", "The caller is back from hold",
            Event("ari-c3a90f5e1d7b2864", "call.resumed", "09:18:05.500", null)),
        ("call.transferred", "The agent transferred the call (agent:NAME, queue:ID or tel:NUMBER) and why",
            Event("ari-8b26d4f0a1e93c57", "call.transferred", "09:19:30.000", """ "target": "queue:complaints", "reason": "客户要求投诉物流延迟，转投诉专员" """)),
        ("call.ended", "The call ended; by: caller, agent or system",
            Event("ari-e5f1a8c2b7d04396", "call.ended", "09:24:11.900", """ "by": "caller" """)),
        ("recording.available", "The PBX stored the call's recording",
            Event("ari-16c9e3b5d0a27f48", "recording.available", "09:24:13.000", """ "uri": "https://pbx.example.cn/recordings/1763880902.118.wav", "durationSeconds": 475.6 """)),
        ("transcript.segment", "One stretch of speech from the speech-to-text service",
            Event("stt-a4d2f7c08e6b1953", "transcript.segment", "09:24:20.000", """ "speaker": "customer", "startSeconds": 12.4, "endSeconds": 17.9, "text": "我上周买的耳机到现在还没有发货。" """)),
        ("callback.requested", "The caller accepted a callback instead of waiting (virtual hold)",
            Event("ari-3f8b0d6a2c5e9174", "callback.requested", "09:16:40.000", """ "reason": "等待时间较长，客户选择预约回电" """)),
        ("batch", "A batch (array): the events of one call, in any order",
            "[" + Event("ari-d90c6a3e5f1b2847", "call.offered", "10:02:00.000", """ "from": "13912345678", "to": "4008001234" """, "1763883720.204")
            + "," + Event("ari-61f4b8e2a0c7d935", "ivr.selected", "10:02:06.200", """ "digit": "1" """, "1763883720.204") + "]"),
    ];

    private static string Event(string id, string type, string time, string? fields, string callId = CallId) =>
        $$"""{ "id": "{{id}}", "type": "{{type}}", "callId": "{{callId}}", "at": "2026-11-23T{{time}}+08:00"{{(fields is null ? "" : "," + fields)}} }""";
}
