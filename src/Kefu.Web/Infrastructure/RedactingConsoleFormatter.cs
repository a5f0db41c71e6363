using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kefu.Web.Features.Privacy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Kefu.Web.Infrastructure;

/// <summary>Log format (<c>Kefu:Logging:Format</c>): <c>json</c> (default, one object per line) or <c>text</c> (one readable line).</summary>
public sealed class RedactingConsoleFormatterOptions : ConsoleFormatterOptions
{
    public bool Json { get; set; } = true;
}

/// <summary>
/// Writes one JSON object per log line (time, level, category, event, correlationId, message, exception, state) — or,
/// with <c>Kefu:Logging:Format=text</c>, one plain line — with ID numbers, bank-card numbers, passwords and mobile
/// numbers masked in either, so that logs never carry customer PII (principle 001: confidentiality).
/// </summary>
public sealed partial class RedactingConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "kefu-json";
    private readonly Func<bool> writesJson;

    /// <summary>JSON lines (as in tests).</summary>
    public RedactingConsoleFormatter()
        : base(FormatterName) => writesJson = () => true;

    public RedactingConsoleFormatter(Microsoft.Extensions.Options.IOptionsMonitor<RedactingConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        writesJson = () => options.CurrentValue.Json;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var correlationId = CorrelationId(scopeProvider);
        if (!writesJson())
        {
            var line = new StringBuilder()
                .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)).Append(' ')
                .Append(logEntry.LogLevel.ToString()).Append(' ').Append(logEntry.Category)
                .Append(correlationId is null ? "" : " [" + correlationId + "]").Append(": ").Append(Redact(message ?? ""));
            if (logEntry.Exception is not null)
            {
                line.AppendLine().Append(Redact(logEntry.Exception.ToString()));
            }

            textWriter.WriteLine(line.ToString());
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

            if (correlationId is not null)
            {
                json.WriteString("correlationId", correlationId);
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

    /// <summary>The innermost correlation id among the active scopes (set per request by <see cref="Telemetry.UseCorrelationId"/>).</summary>
    private static string? CorrelationId(IExternalScopeProvider? scopeProvider)
    {
        string? found = null;
        scopeProvider?.ForEachScope((scope, _) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    if (key == Telemetry.CorrelationKey)
                    {
                        found = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
        }, (object?)null);
        return found;
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

