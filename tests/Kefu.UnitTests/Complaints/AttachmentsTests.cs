using Kefu.Web.Features.Complaints;

namespace Kefu.UnitTests.Complaints;

public sealed class AttachmentsTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50, 0 }, "image/webp")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf")]
    public void Sniff_RecognizesAcceptedKindsByContent(byte[] head, string type) => Assert.Equal(type, Attachments.Sniff(head));

    [Theory]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0 })]                  // Windows executable
    [InlineData(new byte[] { 0x3C, 0x73, 0x76, 0x67 })]               // <svg: scripts possible, refused
    [InlineData(new byte[] { 0x3C, 0x68, 0x74, 0x6D, 0x6C })]         // <html
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45 })] // RIFF WAVE, not WebP
    [InlineData(new byte[0])]
    public void Sniff_RefusesEverythingElse(byte[] head) => Assert.Null(Attachments.Sniff(head));

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\x\\收据 照片.png", "收据照片.png")]
    [InlineData("..hidden.pdf", "hidden.pdf")]
    [InlineData("<script>.png", "script.png")]
    [InlineData("///", "file")]
    public void SafeName_KeepsOnlyASafeFileName(string given, string expected) => Assert.Equal(expected, Attachments.SafeName(given));
}
