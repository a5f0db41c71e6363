using System.Globalization;
using SkiaSharp;

namespace Kefu.Web.Features.Complaints;

/// <summary>
/// Renders a <see cref="CaseReport"/> as an A4 PDF with SkiaSharp. Chinese text needs a CJK font: WenQuanYi Zen Hei
/// (Debian fonts-wqy-zenhei, embedded as a TrueType subset so copied text is exact), else Noto Sans CJK SC, else any
/// installed font that has Chinese glyphs, else Skia's default typeface. In the last case the renderer still works
/// but Chinese characters may not be drawn.
/// </summary>
public static class CaseReportPdf
{
    internal const string NotFilled = "（未填写）";

    private static readonly (string Path, int Index)[] FontCandidates =
    [
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),        // WenQuanYi Zen Hei
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2), // Noto Sans CJK SC
    ];

    private static readonly Lazy<SKTypeface> Typeface = new(() => LoadTypeface(FontCandidates));

    /// <summary>The CJK typeface every Kefu PDF is set in.</summary>
    internal static SKTypeface ReportTypeface => Typeface.Value;
    private static readonly Lazy<TimeZoneInfo> ChinaStandardTime = new(FindChinaStandardTime);

    private static readonly SKColor TextColor = new(0x22, 0x22, 0x22);
    private static readonly SKColor MutedColor = new(0x66, 0x66, 0x66);
    private static readonly SKColor AccentColor = new(0x1F, 0x4E, 0x8C);
    private static readonly SKColor HeaderFill = new(0xEE, 0xF2, 0xF7);

    public static byte[] Render(CaseReport report, TimeZoneInfo? zone = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        zone ??= ChinaStandardTime.Value;
        var typeface = Typeface.Value;
        using var title = new TextStyle(typeface, 20, AccentColor, bold: true);
        using var subtitle = new TextStyle(typeface, 11, MutedColor);
        using var heading = new TextStyle(typeface, 13, AccentColor, bold: true);
        using var body = new TextStyle(typeface, 10.5f, TextColor, lineSpacing: 1.6f);
        using var cellBold = new TextStyle(typeface, 10, TextColor, bold: true, lineSpacing: 1.45f);
        using var cell = new TextStyle(typeface, 10, TextColor, lineSpacing: 1.45f);
        using var footer = new TextStyle(typeface, 8, MutedColor);

        var generatedAt = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone);
        var footerNote = $"本报告由客服系统自动生成 · 生成时间 {Format(generatedAt)}（{OffsetLabel(zone, generatedAt)}）";
        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"投诉案例报告 {report.Number}",
            Subject = "投诉案例报告",
            Creator = "Kefu 客服",
            Creation = DateTime.UtcNow,
        };

        using var output = new MemoryStream();
        using (var pdf = new PdfLayout(output, metadata, footer, footerNote))
        {
            pdf.DrawLine("投诉案例报告", PdfLayout.Left + ((PdfLayout.ContentWidth - title.Measure("投诉案例报告")) / 2), title);
            pdf.Y += title.LineHeight;
            var numberLine = $"案例编号：{report.Number}";
            pdf.DrawLine(numberLine, PdfLayout.Left + ((PdfLayout.ContentWidth - subtitle.Measure(numberLine)) / 2), subtitle);
            pdf.Y += subtitle.LineHeight + 10;

            DrawHeaderBlock(pdf, report, zone, cellBold, cell);
            DrawSection(pdf, "事件描述", report.EventDescription, heading, body);
            DrawSection(pdf, "补救措施", report.RemedialMeasures, heading, body);
            DrawSection(pdf, "原因分析", report.CauseAnalysis, heading, body);
            DrawSection(pdf, "整改方案", report.RectificationPlan, heading, body);
            if (report.Timeline is { Count: > 0 })
            {
                DrawTimeline(pdf, report.Timeline, zone, heading, cellBold, cell);
            }
        }

        return output.ToArray();
    }

    private static void DrawHeaderBlock(PdfLayout pdf, CaseReport report, TimeZoneInfo zone, TextStyle key, TextStyle value)
    {
        const float keyWidth = 90;
        (string Key, string Value)[] rows =
        [
            ("案例编号", report.Number),
            ("客户名称", report.CustomerName),
            ("投诉类别", report.Category),
            ("严重程度", report.Severity),
            ("受理渠道", report.Channel),
            ("负责人", report.Owner),
            ("创建时间", Format(ToZone(report.CreatedAt, zone))),
            ("结案时间", report.ClosedAt is { } closed ? Format(ToZone(closed, zone)) : "（未结案）"),
            ("当前步骤", report.Step),
        ];
        foreach (var (name, text) in rows)
        {
            pdf.Row(
            [
                new PdfCell(name, keyWidth, key, HeaderFill),
                new PdfCell(OrNotFilled(text), PdfLayout.ContentWidth - keyWidth, value),
            ]);
        }
    }

    private static void DrawSection(PdfLayout pdf, string title, string text, TextStyle heading, TextStyle body)
    {
        pdf.Y += 14;
        DrawHeading(pdf, title, heading, body.LineHeight * 2);   // keep the heading with two lines of text
        pdf.Paragraph(OrNotFilled(text), body);
    }

    private static void DrawHeading(PdfLayout pdf, string title, TextStyle heading, float keepWithNext)
    {
        pdf.EnsureSpace(heading.LineHeight + 4 + keepWithNext);
        pdf.DrawLine(title, PdfLayout.Left, heading);
        pdf.Y += heading.LineHeight;
        pdf.Rule();
        pdf.Y += 4;
    }

    private static void DrawTimeline(PdfLayout pdf, IReadOnlyList<CaseReportLine> timeline, TimeZoneInfo zone, TextStyle headerStyle, TextStyle bold, TextStyle cell)
    {
        const float timeWidth = 100;
        const float actorWidth = 80;
        var textWidth = PdfLayout.ContentWidth - timeWidth - actorWidth;
        PdfCell[] header =
        [
            new("时间", timeWidth, bold, HeaderFill),
            new("处理人", actorWidth, bold, HeaderFill),
            new("处理内容", textWidth, bold, HeaderFill),
        ];

        pdf.Y += 14;
        DrawHeading(pdf, "处理经过", headerStyle, (bold.LineHeight + cell.LineHeight) + (4 * PdfLayout.CellPadding));
        pdf.Row(header);
        foreach (var line in timeline.OrderBy(l => l.At))
        {
            pdf.Row(
                [
                    new PdfCell(Format(ToZone(line.At, zone)), timeWidth, cell),
                    new PdfCell(OrNotFilled(line.Actor), actorWidth, cell),
                    new PdfCell(OrNotFilled(line.Text), textWidth, cell),
                ],
                header);
        }
    }

    private static string OrNotFilled(string? text) => string.IsNullOrWhiteSpace(text) ? NotFilled : text.Trim();

    private static string Format(DateTime time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string OffsetLabel(TimeZoneInfo zone, DateTime localTime)
    {
        var offset = zone.GetUtcOffset(localTime);
        return string.Create(CultureInfo.InvariantCulture, $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}");
    }

    /// <summary>Converts a stored time to <paramref name="zone"/>; a time without kind is taken as UTC.</summary>
    internal static DateTime ToZone(DateTime time, TimeZoneInfo zone)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
    }

    /// <summary>The first candidate font file that loads, else a system font with Chinese glyphs, else the default.</summary>
    internal static SKTypeface LoadTypeface(IEnumerable<(string Path, int Index)> candidates)
    {
        foreach (var (path, index) in candidates)
        {
            if (File.Exists(path) && SKTypeface.FromFile(path, index) is { } typeface)
            {
                return typeface;
            }
        }

        return SKFontManager.Default.MatchCharacter('中') ?? SKTypeface.Default;
    }

    private static TimeZoneInfo FindChinaStandardTime()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "中国标准时间", "中国标准时间");
        }
    }
}
