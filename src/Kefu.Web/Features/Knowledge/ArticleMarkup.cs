namespace Kefu.Web.Features.Knowledge;

/// <summary>The kinds of block an article body has.</summary>
public enum MarkupBlockKind
{
    Paragraph = 1,
    Heading = 2,
    BulletList = 3,
    NumberedList = 4,
}

/// <summary>A run of text, bold or not.</summary>
public sealed record MarkupSpan(string Text, bool Bold);

/// <summary>A paragraph or heading (one item) or a list (one item per entry); each item is a line of spans.</summary>
public sealed record MarkupBlock(MarkupBlockKind Kind, IReadOnlyList<IReadOnlyList<MarkupSpan>> Items);

/// <summary>
/// The simple markdown of article bodies: "## " headings, "- " / "* " bullets, "1. " numbered items, **bold**, blank lines
/// between paragraphs. It produces blocks of plain text spans that the page renders as encoded text, so HTML in an
/// article is shown as typed and never runs.
/// </summary>
public static class ArticleMarkup
{
    public static IReadOnlyList<MarkupBlock> Parse(string? body)
    {
        var blocks = new List<MarkupBlock>();
        if (string.IsNullOrWhiteSpace(body))
        {
            return blocks;
        }

        var kind = (MarkupBlockKind?)null;
        var items = new List<IReadOnlyList<MarkupSpan>>();
        foreach (var raw in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            var (lineKind, text) = Classify(line);
            if (lineKind != kind || lineKind is MarkupBlockKind.Heading)
            {
                Flush();
                kind = lineKind;
            }

            // Consecutive lines of a paragraph stay separate lines (Chinese text has no spaces to join them with).
            items.Add(Spans(text));
        }

        Flush();
        return blocks;

        void Flush()
        {
            if (kind is { } k && items.Count > 0)
            {
                blocks.Add(new MarkupBlock(k, items));
            }

            kind = null;
            items = [];
        }
    }

    private static (MarkupBlockKind Kind, string Text) Classify(string line)
    {
        if (line.StartsWith('#'))
        {
            return (MarkupBlockKind.Heading, line.TrimStart('#').Trim());
        }

        if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith("• ", StringComparison.Ordinal))
        {
            return (MarkupBlockKind.BulletList, line[2..].Trim());
        }

        var digits = 0;
        while (digits < line.Length && char.IsAsciiDigit(line[digits]))
        {
            digits++;
        }

        if (digits is > 0 and < 4 && digits + 1 < line.Length && line[digits] is '.' or '、' or ')' && line[digits + 1] == ' ')
        {
            return (MarkupBlockKind.NumberedList, line[(digits + 1)..].Trim());
        }

        return (MarkupBlockKind.Paragraph, line);
    }

    /// <summary>Splits a line at ** markers: odd stretches are bold; an unmatched ** stays as text.</summary>
    private static List<MarkupSpan> Spans(string text)
    {
        var parts = text.Split("**");
        var spans = new List<MarkupSpan>(parts.Length);
        var paired = parts.Length % 2 == 1;
        for (var i = 0; i < parts.Length; i++)
        {
            var bold = paired && i % 2 == 1;
            var part = !paired && i > 0 ? "**" + parts[i] : parts[i];
            if (part.Length > 0)
            {
                spans.Add(new MarkupSpan(part, bold));
            }
        }

        return spans;
    }
}
