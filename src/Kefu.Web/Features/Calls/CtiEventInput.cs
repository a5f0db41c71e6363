using System.Globalization;
using Kefu.Web.Features.Customers;
using Kefu.Web.Infrastructure;

namespace Kefu.Web.Features.Calls;

/// <summary>
/// One CTI event as a PBX posts it. Every event has <c>id</c> (unique per delivery source; a repeat is ignored),
/// <c>type</c>, <c>callId</c> and <c>at</c>; the other fields depend on the type (docs/cti.md).
/// </summary>
public sealed record CtiEventInput
{
    public string? Id { get; init; }
    public string? Type { get; init; }
    public string? CallId { get; init; }
    public DateTimeOffset? At { get; init; }

    /// <summary>call.offered: caller number.</summary>
    public string? From { get; init; }

    /// <summary>call.offered: dialled hotline.</summary>
    public string? To { get; init; }

    /// <summary>ivr.selected: the key pressed.</summary>
    public string? Digit { get; init; }

    /// <summary>call.queued: queue id.</summary>
    public string? Queue { get; init; }

    /// <summary>call.ringing / call.answered: the agent's user name.</summary>
    public string? Agent { get; init; }

    /// <summary>call.transferred: "agent:NAME", "queue:ID", "tel:NUMBER", or a bare user name, queue id or number.</summary>
    public string? Target { get; init; }

    /// <summary>call.transferred / callback.requested: why.</summary>
    public string? Reason { get; init; }

    /// <summary>call.ended: caller, agent or system.</summary>
    public string? By { get; init; }

    /// <summary>recording.available: where the PBX stored the recording.</summary>
    public string? Uri { get; init; }

    /// <summary>recording.available: length in seconds.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>transcript.segment: agent or customer.</summary>
    public string? Speaker { get; init; }

    public double? StartSeconds { get; init; }
    public double? EndSeconds { get; init; }
    public string? Text { get; init; }

    /// <summary>Checks the event; field names are prefixed with <paramref name="prefix"/> (e.g. "[2]." in a batch).</summary>
    public void Validate(FieldErrors errors, string prefix)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.Required(prefix + "id", Id, 120).Required(prefix + "callId", CallId, 100);
        if (At is null)
        {
            errors.Add(prefix + "at", "is required: when the event happened (ISO 8601 with offset)");
        }

        if (Type is null || !CtiEventTypes.External.Contains(Type))
        {
            errors.Add(prefix + "type", "must be one of " + string.Join(", ", CtiEventTypes.External.Order(StringComparer.Ordinal)));
            return;
        }

        switch (Type)
        {
            case CtiEventTypes.Offered:
                if (string.IsNullOrWhiteSpace(From) || PhoneNumbers.Normalize(From).Length is 0 or > 32)
                {
                    errors.Add(prefix + "from", "is required: the caller's number");
                }

                errors.MaxLength(prefix + "to", To, 32);
                break;
            case CtiEventTypes.IvrSelected:
                if (Digit is not { Length: 1 } || !"0123456789*#".Contains(Digit, StringComparison.Ordinal))
                {
                    errors.Add(prefix + "digit", "must be one key: 0-9, * or #");
                }

                break;
            case CtiEventTypes.Queued:
                errors.Required(prefix + "queue", Queue, 40);
                break;
            case CtiEventTypes.Ringing or CtiEventTypes.Answered:
                errors.Required(prefix + "agent", Agent, 64);
                break;
            case CtiEventTypes.Transferred:
                errors.Required(prefix + "target", Target, 100).Required(prefix + "reason", Reason, 500);
                break;
            case CtiEventTypes.Ended:
                if (By is not null && CallProjection.ParseParty(By) is null)
                {
                    errors.Add(prefix + "by", "must be caller, agent or system");
                }

                break;
            case CtiEventTypes.RecordingAvailable:
                errors.Required(prefix + "uri", Uri, 500);
                if (DurationSeconds is null or < 0 or > 86_400)
                {
                    errors.Add(prefix + "durationSeconds", "is required: 0 to 86400 seconds");
                }

                break;
            case CtiEventTypes.TranscriptSegment:
                if (Speaker is not ("agent" or "customer"))
                {
                    errors.Add(prefix + "speaker", "must be agent or customer");
                }

                if (StartSeconds is null or < 0 || EndSeconds is null || EndSeconds < StartSeconds)
                {
                    errors.Add(prefix + "endSeconds", "startSeconds and endSeconds are required, 0 <= start <= end");
                }

                errors.Required(prefix + "text", Text, 4000);
                break;
            case CtiEventTypes.CallbackRequested:
                errors.MaxLength(prefix + "reason", Reason, 500);
                break;
        }
    }

    /// <summary>The stored form (caller numbers normalized).</summary>
    public CtiEvent ToEvent(DateTime receivedAt) => new()
    {
        Id = Id!,
        CallId = CallId!,
        Type = Type!,
        At = At!.Value.UtcDateTime,
        ReceivedAt = receivedAt,
        From = From is null ? null : PhoneNumbers.Normalize(From),
        To = To is null ? null : PhoneNumbers.Normalize(To),
        Digit = Digit,
        Queue = Queue,
        Agent = Agent,
        Target = Target,
        Reason = Reason is null ? null : Privacy.PiiDetector.Mask(Reason),
        By = By,
        Uri = Uri,
        Seconds = Type == CtiEventTypes.RecordingAvailable ? DurationSeconds : null,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type} {CallId} {Id}");
}
