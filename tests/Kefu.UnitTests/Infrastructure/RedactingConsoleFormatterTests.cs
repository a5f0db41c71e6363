using System.Text.Json;
using Kefu.Web.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kefu.UnitTests.Infrastructure;

public sealed class RedactingConsoleFormatterTests
{
    private static JsonElement Format(string template, params object?[] args)
    {
        var state = new FormattedState(template, args);
        var entry = new LogEntry<FormattedState>(LogLevel.Information, "Kefu.Test", new EventId(7), state, null, (s, _) => s.ToString());
        using var writer = new StringWriter();
        new RedactingConsoleFormatter().Write(entry, null, writer);
        return JsonDocument.Parse(writer.ToString()).RootElement;
    }

    [Fact]
    public void Write_MasksCardIdPasswordAndMobile_InMessageAndStructuredState()
    {
        var line = Format("Customer {Phone} said card {Card} id {Id} 密码是abc12345", "13812345678", "6222021234567894", "110105199003071239");

        var text = line.ToString();
        Assert.DoesNotContain("13812345678", text, StringComparison.Ordinal);
        Assert.DoesNotContain("6222021234567894", text, StringComparison.Ordinal);
        Assert.DoesNotContain("110105199003071239", text, StringComparison.Ordinal);
        Assert.DoesNotContain("abc12345", text, StringComparison.Ordinal);
        Assert.Contains("138****5678", line.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("138****5678", line.GetProperty("state").GetProperty("Phone").GetString());
        Assert.Equal("Information", line.GetProperty("level").GetString());
        Assert.Equal(7, line.GetProperty("eventId").GetInt32());
    }

    /// <summary>A minimal structured log state like the one LoggerMessage produces.</summary>
    private sealed class FormattedState(string template, object?[] args) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> values = Names(template).Zip(args, (n, a) => new KeyValuePair<string, object?>(n, a)).ToList();

        public int Count => values.Count;
        public KeyValuePair<string, object?> this[int index] => values[index];
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = template;
            foreach (var (name, value) in values)
            {
                text = text.Replace("{" + name + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            return text;
        }

        private static IEnumerable<string> Names(string template) =>
            System.Text.RegularExpressions.Regex.Matches(template, @"\{(?<name>\w+)\}", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)).Select(m => m.Groups["name"].Value);
    }
}
