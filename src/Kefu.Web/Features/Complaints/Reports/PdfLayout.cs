using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Kefu.Web.Features.Complaints;

/// <summary>A font at one size and colour, with the line height used when it is laid out.</summary>
internal sealed class TextStyle : IDisposable
{
    public TextStyle(SKTypeface typeface, float size, SKColor color, bool bold = false, float lineSpacing = 1.5f)
    {
        Font = new SKFont(typeface, size) { Subpixel = true };
        Paint = new SKPaint { Color = color, IsAntialias = true };
        // Fake bold: the glyph outlines are stroked as a path over the normal text. SKFont.Embolden or a stroking
        // paint would make Skia embed the glyphs as Type 3 fonts instead of the TrueType subset.
        Outline = bold ? new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = size / 28 } : null;
        LineHeight = size * lineSpacing;
        // Baseline offset that centres the glyph box (ascent + descent) in the line.
        var metrics = Font.Metrics;
        Baseline = ((LineHeight - (metrics.Descent - metrics.Ascent)) / 2) - metrics.Ascent;
    }

    public SKFont Font { get; }
    public SKPaint Paint { get; }
    public SKPaint? Outline { get; }
    public float LineHeight { get; }
    public float Baseline { get; }

    /// <summary>Draws one line of text with its baseline at <paramref name="baseline"/>.</summary>
    public void Draw(SKCanvas canvas, string text, float x, float baseline, SKTextAlign align = SKTextAlign.Left)
    {
        canvas.DrawText(text, x, baseline, align, Font, Paint);
        if (Outline is not null)
        {
            var left = align == SKTextAlign.Right ? x - Measure(text) : x;
            using var path = Font.GetTextPath(text, new SKPoint(left, baseline));
            canvas.DrawPath(path, Outline);
        }
    }

    public float Measure(string text) => Font.MeasureText(text);

    public void Dispose()
    {
        Font.Dispose();
        Paint.Dispose();
        Outline?.Dispose();
    }
}

/// <summary>One cell of a table row: its text, width and style, and an optional background.</summary>
internal sealed record PdfCell(string Text, float Width, TextStyle Style, SKColor? Background = null);

/// <summary>
/// Small layout helper over SkiaSharp's PDF backend: a cursor (<see cref="Y"/>) on the current A4 page that starts
/// a new page (with the footer) when the next line or row does not fit, plus the line breaker used for all text.
/// </summary>
internal sealed class PdfLayout : IDisposable
{
    public const float PageWidth = 595.28f;   // A4 in points
    public const float PageHeight = 841.89f;
    public const float Margin = 50f;
    public const float CellPadding = 4f;
    private const float FooterHeight = 24f;

    private static readonly SKColor BorderColor = new(0xB0, 0xB0, 0xB0);
    private readonly SKDocument document;
    private readonly TextStyle footerStyle;
    private readonly string footerNote;
    private readonly SKPaint borderPaint = new() { Color = BorderColor, Style = SKPaintStyle.Stroke, StrokeWidth = 0.6f, IsAntialias = true };
    private readonly SKPaint fillPaint = new() { Style = SKPaintStyle.Fill, IsAntialias = true };
    private SKCanvas? canvas;

    public PdfLayout(Stream output, SKDocumentPdfMetadata metadata, TextStyle footerStyle, string footerNote)
    {
        document = SKDocument.CreatePdf(output, metadata);
        this.footerStyle = footerStyle;
        this.footerNote = footerNote;
        NewPage();
    }

    public static float Left => Margin;
    public static float Right => PageWidth - Margin;
    public static float ContentWidth => Right - Left;
    public static float Bottom => PageHeight - Margin - FooterHeight;

    public SKCanvas Canvas => canvas ?? throw new ObjectDisposedException(nameof(PdfLayout));
    public int PageNumber { get; private set; }
    public float Y { get; set; }

    /// <summary>Finishes the current page (footer) and starts the next one with the cursor at the top margin.</summary>
    public void NewPage()
    {
        EndPage();
        PageNumber++;
        canvas = document.BeginPage(PageWidth, PageHeight);
        Y = Margin;
    }

    /// <summary>Starts a new page when <paramref name="height"/> does not fit below the cursor; true when it did.</summary>
    public bool EnsureSpace(float height)
    {
        if (Y + height <= Bottom)
        {
            return false;
        }

        NewPage();
        return true;
    }

    public void DrawLine(string text, float x, TextStyle style) => style.Draw(Canvas, text, x, Y + style.Baseline);

    /// <summary>Wrapped text across the content width, one line at a time, breaking pages between lines.</summary>
    public void Paragraph(string text, TextStyle style)
    {
        foreach (var line in Wrap(text, style, ContentWidth))
        {
            EnsureSpace(style.LineHeight);
            DrawLine(line, Left, style);
            Y += style.LineHeight;
        }
    }

    public void Rule(float thickness = 0.8f)
    {
        using var paint = new SKPaint { Color = BorderColor, StrokeWidth = thickness, IsAntialias = true };
        Canvas.DrawLine(Left, Y, Right, Y, paint);
    }

    /// <summary>
    /// Draws a bordered table row at the cursor. A row that does not fit moves whole to a new page, which starts with
    /// <paramref name="header"/> (the table's header row) when given. Only a row taller than a whole page is split
    /// between pages.
    /// </summary>
    public void Row(IReadOnlyList<PdfCell> cells, IReadOnlyList<PdfCell>? header = null)
    {
        var lines = WrapCells(cells);
        var done = new int[cells.Count];   // lines of each cell already drawn (split rows)
        var pageRoom = Bottom - Margin - (header is null ? 0 : RowHeight(header, WrapCells(header), new int[header.Count]));
        while (true)
        {
            var needed = RowHeight(cells, lines, done);
            if (Y + needed <= Bottom)
            {
                DrawRowPart(cells, lines, done, needed, needed);   // room for every line
                return;
            }

            var available = Bottom - Y - (2 * CellPadding);
            if (needed > pageRoom && available >= 2 * cells.Max(c => c.Style.LineHeight))
            {
                DrawRowPart(cells, lines, done, Bottom - Y, available);   // too tall for any page: fill this one
            }

            NewPage();
            if (header is not null)
            {
                Row(header);
            }
        }
    }

    private static IReadOnlyList<string>[] WrapCells(IReadOnlyList<PdfCell> cells) =>
        cells.Select(c => Wrap(c.Text, c.Style, c.Width - (2 * CellPadding))).ToArray();

    private static float RowHeight(IReadOnlyList<PdfCell> cells, IReadOnlyList<string>[] lines, int[] done) =>
        (2 * CellPadding) + cells.Select((c, i) => (lines[i].Count - done[i]) * c.Style.LineHeight).Max();

    private void DrawRowPart(IReadOnlyList<PdfCell> cells, IReadOnlyList<string>[] lines, int[] done, float height, float maxTextHeight)
    {
        var x = Left;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            var rect = SKRect.Create(x, Y, cell.Width, height);
            if (cell.Background is { } background)
            {
                fillPaint.Color = background;
                Canvas.DrawRect(rect, fillPaint);
            }

            Canvas.DrawRect(rect, borderPaint);
            var count = Math.Min(lines[i].Count - done[i], Math.Max(1, (int)(maxTextHeight / cell.Style.LineHeight)));
            var saveY = Y;
            Y += CellPadding;
            foreach (var line in lines[i].Skip(done[i]).Take(count))
            {
                DrawLine(line, x + CellPadding, cell.Style);
                Y += cell.Style.LineHeight;
            }

            Y = saveY;
            done[i] += count;
            x += cell.Width;
        }

        Y += height;
    }

    private void EndPage()
    {
        if (canvas is null)
        {
            return;
        }

        var top = PageHeight - Margin - footerStyle.LineHeight;
        using (var paint = new SKPaint { Color = BorderColor, StrokeWidth = 0.5f })
        {
            canvas.DrawLine(Left, top - 4, Right, top - 4, paint);
        }

        var baseline = top + footerStyle.Baseline;
        footerStyle.Draw(canvas, footerNote, Left, baseline);
        var pageLabel = string.Create(CultureInfo.InvariantCulture, $"第 {PageNumber} 页");
        footerStyle.Draw(canvas, pageLabel, Right, baseline, SKTextAlign.Right);
        document.EndPage();
        canvas = null;
    }

    public void Dispose()
    {
        EndPage();
        document.Close();
        document.Dispose();
        borderPaint.Dispose();
        fillPaint.Dispose();
    }

    // ---- Line breaking -------------------------------------------------------------------------------------------

    /// <summary>Characters that must not start a line (they stay with the character before them).</summary>
    private const string NoLineStart = "，。、；：！？）］｝」』】》〉〕…—·%,.;:!?)]}”’";

    /// <summary>Characters that must not end a line (they stay with the character after them).</summary>
    private const string NoLineEnd = "（［｛「『【《〈〔“‘([{";

    /// <summary>
    /// Breaks <paramref name="text"/> into lines no wider than <paramref name="maxWidth"/>: explicit newlines are kept
    /// (an empty paragraph gives an empty line), a line may break between any two CJK characters and at spaces
    /// between Latin words; closing punctuation never starts a line and opening punctuation never ends one. A word
    /// wider than the line is split between characters.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string? text, TextStyle style, float maxWidth)
    {
        var lines = new List<string>();
        var paragraphs = (text ?? string.Empty).Replace("\t", "    ", StringComparison.Ordinal).ReplaceLineEndings("\n").Split('\n');
        foreach (var paragraph in paragraphs)
        {
            var line = new StringBuilder();
            var width = 0f;
            foreach (var token in Tokens(paragraph))
            {
                var isSpace = token[0] == ' ';
                if (isSpace && line.Length == 0)
                {
                    continue;   // no leading blanks after a break
                }

                var tokenWidth = style.Measure(token);
                if (width + tokenWidth <= maxWidth)
                {
                    line.Append(token);
                    width += tokenWidth;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line.ToString().TrimEnd());
                    line.Clear();
                    width = 0;
                }

                if (isSpace)
                {
                    continue;
                }

                if (tokenWidth <= maxWidth)
                {
                    line.Append(token);
                    width = tokenWidth;
                    continue;
                }

                foreach (var element in TextElements(token))   // a word wider than the line
                {
                    var elementWidth = style.Measure(element);
                    if (line.Length > 0 && width + elementWidth > maxWidth)
                    {
                        lines.Add(line.ToString());
                        line.Clear();
                        width = 0;
                    }

                    line.Append(element);
                    width += elementWidth;
                }
            }

            lines.Add(line.ToString().TrimEnd());
        }

        return lines;
    }

    /// <summary>Splits a paragraph into unbreakable pieces: one CJK character, one Latin word, or a run of spaces.</summary>
    private static List<string> Tokens(string paragraph)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        string? previous = null;
        foreach (var element in TextElements(paragraph))
        {
            var normalized = char.IsWhiteSpace(element[0]) || char.IsControl(element[0]) ? " " : element;
            if (previous is not null && CanBreakBetween(previous, normalized))
            {
                tokens.Add(current.ToString());
                current.Clear();
            }

            current.Append(normalized);
            previous = normalized;
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    private static bool CanBreakBetween(string before, string after)
    {
        var spaceBefore = before[0] == ' ';
        var spaceAfter = after[0] == ' ';
        if (spaceBefore || spaceAfter)
        {
            return spaceBefore != spaceAfter;   // a run of spaces is one token
        }

        if (NoLineStart.Contains(after[0], StringComparison.Ordinal) || NoLineEnd.Contains(before[^1], StringComparison.Ordinal))
        {
            return false;
        }

        return IsCjk(before) || IsCjk(after);
    }

    private static bool IsCjk(string element)
    {
        var value = Rune.GetRuneAt(element, 0).Value;
        return value is (>= 0x1100 and <= 0x11FF)     // Hangul Jamo
            or (>= 0x2E80 and <= 0x9FFF)              // radicals, CJK punctuation, kana, CJK ideographs
            or (>= 0xAC00 and <= 0xD7AF)              // Hangul syllables
            or (>= 0xF900 and <= 0xFAFF)              // compatibility ideographs
            or (>= 0xFE30 and <= 0xFE4F)              // CJK compatibility forms
            or (>= 0xFF00 and <= 0xFFEF)              // full-width forms
            or (>= 0x20000 and <= 0x3FFFF);           // ideograph extensions B and later
    }

    private static IEnumerable<string> TextElements(string text)
    {
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            yield return enumerator.GetTextElement();
        }
    }
}
