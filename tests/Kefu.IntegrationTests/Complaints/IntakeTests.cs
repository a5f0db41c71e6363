using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Kefu.Tests.Shared;
using Kefu.Web.Data;
using Kefu.Web.Features.Complaints;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.IntegrationTests.Complaints;

internal static partial class Files
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();
    public static readonly byte[] Exe = [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0];

    public static ByteArrayContent Part(byte[] bytes, string type)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        return part;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    public static partial Regex Antiforgery();
}

[Collection(AppCollection.Name)]
public sealed class AttachmentTests(KefuAppFactory app)
{
    [Fact]
    public async Task Evidence_IsStoredWithTheSniffedType_AndDownloadsUnchanged()
    {
        var c = await ComplaintDriver.StartAsync(app);
        using var form = new MultipartFormDataContent
        {
            { Files.Part(Files.Png, "application/octet-stream"), "files", "../../收据 照片.png" },
            { Files.Part(Files.Pdf, "image/png"), "files", "发票.pdf" },
        };

        var response = await c.Client.PostAsync($"/api/v1/complaints/{c.Id}/attachments", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rows = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal("image/png", rows[0].GetProperty("contentType").GetString());
        Assert.Equal("收据照片.png", rows[0].GetProperty("fileName").GetString());
        Assert.Equal("application/pdf", rows[1].GetProperty("contentType").GetString());
        var download = await c.Client.GetAsync($"/api/v1/complaints/{c.Id}/attachments/{rows[0].GetProperty("id").GetGuid()}");
        Assert.Equal(Files.Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task RenamedExecutable_IsRefused_AndNothingIsStored()
    {
        var c = await ComplaintDriver.StartAsync(app);
        using var form = new MultipartFormDataContent
        {
            { Files.Part(Files.Png, "image/png"), "files", "ok.png" },
            { Files.Part(Files.Exe, "image/png"), "files", "photo.png" },
        };

        var response = await c.Client.PostAsync($"/api/v1/complaints/{c.Id}/attachments", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("files[1]", out _));
        var list = await (await c.Client.GetAsync($"/api/v1/complaints/{c.Id}/attachments")).JsonAsync();
        Assert.Empty(list.EnumerateArray());
    }
}

[Collection(AppCollection.Name)]
public sealed class PublicFormTests(KefuAppFactory app)
{
    internal static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, Dictionary<string, string> fields, params (byte[] Bytes, string Name)[] files)
    {
        var html = await client.GetStringAsync("/complaint-form");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Files.Antiforgery().Match(html).Groups["token"].Value), "__RequestVerificationToken" },
            { new StringContent("public-complaint"), "_handler" },
        };
        foreach (var (key, value) in fields)
        {
            form.Add(new StringContent(value), "Input." + key);
        }

        foreach (var (bytes, name) in files)
        {
            form.Add(Files.Part(bytes, "application/octet-stream"), "files", name);
        }

        return await client.PostAsync("/complaint-form", form);
    }

    internal static Dictionary<string, string> Valid(string phone) => new()
    {
        ["Name"] = "林女士",
        ["Phone"] = phone,
        ["Email"] = "lin@example.com",
        ["OrderNumber"] = "KF202611210007",
        ["Category"] = "LOGISTICS",
        ["Description"] = "快递显示已签收，但我没有收到包裹，请尽快核实。",
    };

    [Fact]
    public async Task PublicForm_WithoutLogin_GivesACaseNumberAndATrackingLink()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var phone = TestData.Mobile();

        var response = await SubmitAsync(client, Valid(phone), (Files.Png, "签收截图.png"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString;
        var match = Regex.Match(location, "^/track/(?<number>TS-\\d{8}-[0-9A-F]{6})\\?t=(?<token>[0-9a-f]{24})", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(match.Success, location);
        var tracking = await client.GetStringAsync(location);
        Assert.Contains(match.Groups["number"].Value, tracking, StringComparison.Ordinal);
        Assert.Contains("已受理，等待客服联系", tracking, StringComparison.Ordinal);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var complaint = await db.Complaints.AsNoTracking().SingleAsync(c => c.Number == match.Groups["number"].Value);
        Assert.Equal(ComplaintChannel.Web, complaint.Channel);
        Assert.Contains("KF202611210007", complaint.Summary, StringComparison.Ordinal);
        Assert.Equal(1, await db.Set<ComplaintAttachment>().CountAsync(a => a.ComplaintId == complaint.Id && a.Source == "PublicForm"));
        Assert.True(await db.CustomerPhones.AnyAsync(p => p.Number == phone && p.CustomerId == complaint.CustomerId));
    }

    [Fact]
    public async Task TrackingPage_WithAWrongToken_IsNotFound()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await SubmitAsync(client, Valid(TestData.Mobile()));
        var number = Regex.Match(response.Headers.Location!.OriginalString, "TS-[0-9A-F-]+", RegexOptions.None, TimeSpan.FromSeconds(1)).Value;

        var wrong = await client.GetAsync($"/track/{number}?t=000000000000000000000000");

        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
    }

    [Fact]
    public async Task PublicForm_WithAnIdNumberInTheName_IsRefused_AndNothingStored()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var phone = TestData.Mobile();
        var fields = Valid(phone);
        fields["Name"] = "林" + TestData.NationalId();

        var response = await SubmitAsync(client, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("身份证", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var scope = app.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<KefuDbContext>().CustomerPhones.AnyAsync(p => p.Number == phone));
    }

    [Fact]
    public async Task PublicForm_WithANonImageFile_IsRefused_AndNoComplaintIsCreated()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var phone = TestData.Mobile();

        var response = await SubmitAsync(client, Valid(phone), (Files.Exe, "invoice.pdf"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var scope = app.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<KefuDbContext>().CustomerPhones.AnyAsync(p => p.Number == phone));
    }
}

public sealed class RateLimitedApp : KefuAppFactory
{
    public RateLimitedApp()
    {
        PublicSubmissionLimit = 2;
    }
}

public sealed class PublicFormRateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task PublicForm_BeyondTheLimit_Is429()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var first = await PublicFormTests.SubmitAsync(client, PublicFormTests.Valid(TestData.Mobile()));
        var second = await PublicFormTests.SubmitAsync(client, PublicFormTests.Valid(TestData.Mobile()));
        var third = await PublicFormTests.SubmitAsync(client, PublicFormTests.Valid(TestData.Mobile()));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }
}
