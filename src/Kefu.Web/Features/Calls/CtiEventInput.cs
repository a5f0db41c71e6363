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

    /// <summary>When it happened: ISO 8601 with a UTC offset, e.g. 2026-11-23T10:15:30.250+08:00, …Z or …+0800 (ARI's form).</summary>
    public string? At { get; init; }

    /// <summary>call.offered: caller number; empty or "anonymous" for a withheld number.</summary>
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

    /// <summary>call.ended: the caller agreed to a satisfaction survey (e.g. pressed 1 after the call); the agent's own choice at wrap-up wins.</summary>
    public bool? SurveyConsent { get; init; }

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
        if (!TryParseTime(At, out _))
        {
            errors.Add(prefix + "at", "is required: when the event happened, ISO 8601 with a UTC offset (…Z, …+08:00 or …+0800)");
        }

        if (Type is null || !CtiEventTypes.External.Contains(Type))
        {
            errors.Add(prefix + "type", "must be one of " + string.Join(", ", CtiEventTypes.External.Order(StringComparer.Ordinal)));
            return;
        }

        switch (Type)
        {
            case CtiEventTypes.Offered:
                // A withheld number (empty, "anonymous") is a call like any other, without a screen-pop match.
                errors.MaxLength(prefix + "from", From, 32).MaxLength(prefix + "to", To, 32);
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
                // Seed 003 §3.3 wants the reason recorded; a transfer made on the phone itself has none, so it is optional here
                // (the desktop asks for it).
                errors.Required(prefix + "target", Target, 100).MaxLength(prefix + "reason", Reason, 500);
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
        At = TryParseTime(At, out var at) ? at.UtcDateTime : throw new InvalidOperationException("Validate first."),
        ReceivedAt = receivedAt,
        From = From is null || PhoneNumbers.Normalize(From).TrimStart('+').Length == 0 ? null : PhoneNumbers.Normalize(From),
        To = To is null || PhoneNumbers.Normalize(To).Length == 0 ? null : PhoneNumbers.Normalize(To),
        Digit = Digit,
        Queue = Queue,
        Agent = Agent,
        Target = Target,
        Reason = Reason is null ? null : Privacy.PiiDetector.Mask(Reason),
        By = By,
        Uri = Uri,
        Seconds = Type == CtiEventTypes.RecordingAvailable ? DurationSeconds : null,
    };

    /// <summary>Reads an ISO 8601 time that names its offset; a time without one would be read in the server's zone.</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        var trimmed = text.Trim();
        var t = trimmed.IndexOf('T', StringComparison.Ordinal);
        if (t < 0)
        {
            return false;
        }

        var clock = trimmed[(t + 1)..];
        var hasOffset = clock.EndsWith('Z') || clock.EndsWith('z') || clock.Contains('+', StringComparison.Ordinal) || clock.Contains('-', StringComparison.Ordinal);
        if (!hasOffset)
        {
            return false;
        }

        // ARI writes "+0800"; .NET wants "+08:00".
        if (clock.Length > 5 && clock[^5] is '+' or '-' && char.IsAsciiDigit(clock[^1]) && clock[^3] != ':')
        {
            trimmed = trimmed[..^2] + ":" + trimmed[^2..];
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type} {CallId} {Id}");
}
