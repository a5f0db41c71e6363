using System.Text.RegularExpressions;
using Kefu.Web.Features.Complaints;
using Kefu.Web.Features.Privacy;

namespace Kefu.UnitTests.Complaints;

public sealed class CaseNumberTests
{
    [Fact]
    public void CaseNumbers_KeepTheirFormat_AndAreNeverTakenForABankCardOrIdNumber()
    {
        // 2026-12-08: with a digit after the date, "20261208-81613E" read as a 13-digit card that passes Luhn.
        var days = new[] { new DateTime(2026, 12, 8), new DateTime(2027, 1, 31), new DateTime(2030, 6, 15) };
        foreach (var day in days)
        {
            for (var i = 0; i < 5000; i++)
            {
                var number = CreateComplaint.NewNumber(day);

                Assert.Matches(new Regex(@"^TS-\d{8}-[A-F][0-9A-F]{5}$", RegexOptions.None, TimeSpan.FromSeconds(1)), number);
                var subject = $"[{number}] 处理进展";
                Assert.False(PiiDetector.ContainsPii(subject), subject);
                Assert.Equal(subject, PiiDetector.Mask(subject));
            }
        }
    }
}
