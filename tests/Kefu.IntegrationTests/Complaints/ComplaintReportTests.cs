using System.Diagnostics;
using System.Net;
using System.Text;
using Kefu.Tests.Shared;
using MiniExcelLibs;

namespace Kefu.IntegrationTests.Complaints;

[Collection(AppCollection.Name)]
public sealed class ComplaintReportTests(KefuAppFactory app)
{
    internal static async Task<string> PdfToTextAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kefu-report-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", path, "-"]) { RedirectStandardOutput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 })!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            // Noto/WQY glyph mapping may yield compatibility forms; compare on NFKC without whitespace.
            return new string(text.Normalize(NormalizationForm.FormKC).Where(ch => !char.IsWhiteSpace(ch)).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CaseReportPdf_CarriesTheSeedSectionsAndTheCaseInChinese()
    {
        var c = await ComplaintDriver.StartAsync(app);
        await c.ThroughPlanAsync();

        var response = await c.Client.GetAsync($"/api/v1/complaints/{c.Id}/report.pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var text = await PdfToTextAsync(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains(c.Last.GetProperty("number").GetString()!, text, StringComparison.Ordinal);
        foreach (var expected in new[] { "投诉案例报告", "事件描述", "补救措施", "原因分析", "整改方案", "客户投诉包裹延迟一周未送达", "转运中心积压未及时告知客户", "旺季转运能力不足", "向客户解释延误原因并加急派送" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CaseReportPdf_OfAnUnknownComplaint_Is404()
    {
        var client = await app.ClientForAsync("agent");

        var response = await client.GetAsync($"/api/v1/complaints/{Guid.NewGuid()}/report.pdf");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ComplaintExport_IsAnExcelWorkbookWithTheFilteredRows()
    {
        var c = await ComplaintDriver.StartAsync(app, severity: "Critical");
        var customerId = c.Last.GetProperty("customerId").GetGuid();

        var response = await c.Client.GetAsync($"/api/v1/complaints/export.xlsx?customerId={customerId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = (await stream.QueryAsync(useHeaderRow: true)).Cast<IDictionary<string, object?>>().ToList();
        var row = Assert.Single(rows);
        Assert.Equal(c.Last.GetProperty("number").GetString(), row["投诉编号"]);
        Assert.Equal("严重", row["严重程度"]);
        Assert.Equal("1 投诉预判", row["当前步骤"]);
    }
}
