using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kefu.Web.Features.Privacy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Kefu.Web.Infrastructure;

/// <summary>
/// Writes one JSON object per log line (time, level, category, event, message, exception, scopes), with ID numbers,
/// bank-card numbers, passwords and mobile numbers masked, so that logs never carry customer PII (principle 001: confidentiality).
/// </summary>
public sealed partial class RedactingConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "kefu-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.UtcNow);
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber("eventId", logEntry.EventId.Id);
            }

            json.WriteString("message", Redact(message ?? ""));
            if (logEntry.Exception is not null)
            {
                json.WriteString("exception", Redact(logEntry.Exception.ToString()));
            }

            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
            {
                json.WriteStartObject("state");
                foreach (var (key, value) in state.Where(kv => kv.Key != "{OriginalFormat}"))
                {
                    json.WriteString(key, Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        textWriter.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Masks PII and secrets in one log text: <see cref="PiiDetector"/> kinds, mainland mobile numbers, and API
    /// tokens (a <c>kefu_…</c> token, an <c>access_token</c> query value, a bearer credential).</summary>
    public static string Redact(string text) =>
        text.Length == 0 ? text : Secrets().Replace(MobileNumber().Replace(PiiDetector.Mask(text), m => m.Value[..3] + "****" + m.Value[^4..]), m => m.Groups["keep"].Value + "****");

    [GeneratedRegex(@"(?<keep>kefu_)[A-Za-z0-9_\-]{8,}|(?<keep>access_token=)[^&\s""]+|(?<keep>Bearer\s+)[A-Za-z0-9._~+/=\-]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 200)]
    private static partial Regex Secrets();

    [GeneratedRegex(@"(?<!\d)1[3-9]\d{9}(?!\d)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex MobileNumber();
}

